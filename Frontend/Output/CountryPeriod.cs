namespace Analytics.Frontend.Output;

/// <summary>One section of <c>/o/analytics/countries</c>.</summary>
/// <param name="Key">The output key: <c>30days</c>, <c>7days</c> or <c>today</c>.</param>
/// <param name="Period">The period of the section (<c>today</c> is Countly's <c>hour</c>).</param>
/// <param name="ExactUsers">Users whose last session is in the period by stored country code, when counted (replaces the estimate of special periods).</param>
public sealed record CountryPeriod(string Key, Period Period, IReadOnlyDictionary<string, long>? ExactUsers = null);
