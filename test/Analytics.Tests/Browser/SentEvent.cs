namespace Analytics.Tests.Browser;

/// <summary>One custom event a browser test sent through <c>/i</c>, with one segment.</summary>
public sealed record SentEvent(string Device, long TimestampMs, string Key, int Count, double Sum, string Segment, string Value);
