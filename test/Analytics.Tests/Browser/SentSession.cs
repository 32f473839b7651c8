namespace Analytics.Tests.Browser;

/// <summary>One <c>begin_session</c> a browser test sent through <c>/i</c>, with what it should count.</summary>
public sealed record SentSession(string Device, long TimestampMs, bool IsNew, string Os, string Resolution, string Carrier, string AppVersion, string Ip);
