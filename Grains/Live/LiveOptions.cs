namespace Analytics.Grains.Live;

/// <summary>Configuration section <c>Analytics:Live</c>.</summary>
public sealed class LiveOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Analytics:Live";

    /// <summary>A device with an open session is online while its last request is at most this old (seconds; see <see cref="OnlinePeriod"/>).</summary>
    public int OnlineSeconds { get; set; } = 120;

    /// <summary>The online window actually used: <see cref="OnlineSeconds"/>, but at least one second (0 or less would put nobody online).</summary>
    public TimeSpan OnlinePeriod => TimeSpan.FromSeconds(Math.Max(1, OnlineSeconds));

    /// <summary>How often, ms, each silo reports its live numbers (at least every 200 ms: see <see cref="ReportPeriod"/>).</summary>
    public int ReportMs { get; set; } = 1000;

    /// <summary>The reporting period actually used: <see cref="ReportMs"/>, but not below 200 ms.</summary>
    public TimeSpan ReportPeriod => TimeSpan.FromMilliseconds(Math.Max(200, ReportMs));
}
