namespace Analytics.Frontend.Output;

/// <summary>One section of <c>/o/analytics/dashboard</c>.</summary>
/// <param name="Key">The output key: <c>30days</c>, <c>7days</c>, <c>today</c>, or the requested period's name.</param>
/// <param name="Period">The period the section is computed for (<c>today</c> is Countly's <c>hour</c>).</param>
/// <param name="ExactUsers">Users whose last session is in the period (Countly's <c>total_users</c> query), when counted; 0 or null leaves the estimate.</param>
public sealed record DashboardPeriod(string Key, Period Period, long? ExactUsers = null);
