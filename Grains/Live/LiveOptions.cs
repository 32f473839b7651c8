namespace Analytics.Grains.Live;

/// <summary>Configuration section <c>Analytics:Live</c>.</summary>
public sealed class LiveOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Analytics:Live";

    /// <summary>A device with an open session is online while its last request is at most this old (seconds).</summary>
    public int OnlineSeconds { get; set; } = 120;

    /// <summary>How often, ms, each silo reports its live numbers.</summary>
    public int ReportMs { get; set; } = 1000;
}
