namespace Analytics.Grains.Hosting;

/// <summary>Configuration section <c>Analytics:Cluster</c>: how this silo joins its cluster.</summary>
public sealed class AnalyticsClusterOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Analytics:Cluster";

    /// <summary><c>localhost</c> (single process) or <c>azuretable</c> (membership in Table Storage).</summary>
    public string Clustering { get; set; } = "localhost";

    /// <summary>Orleans ClusterId: one per deployment.</summary>
    public string ClusterId { get; set; } = "analytics";

    /// <summary>Orleans ServiceId: stable for the life of the data.</summary>
    public string ServiceId { get; set; } = "analytics";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port (0 disables the gateway).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address other silos reach this one at (e.g. the pod IP); empty = loopback for localhost clustering, else the first non-loopback address.</summary>
    public string AdvertisedAddress { get; set; } = "";

    /// <summary>
    /// Most grain addresses each silo caches (Orleans' <c>GrainDirectoryOptions.CacheSize</c>, whose
    /// default is 1,000,000). Every device grain leaves an entry, and the cache's size gauge, which
    /// the operator dashboard reads every second, counts the entries one by one: at Orleans'
    /// default it grew to 45,000 entries and took 4 % of the silo's CPU in the benchmark. The
    /// cache only needs the grains in use (a few thousand devices per silo).
    /// </summary>
    public int DirectoryCacheSize { get; set; } = 16_384;
}
