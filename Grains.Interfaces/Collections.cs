namespace Analytics.Grains;

/// <summary>Names of the aggregated collections, as Countly names them where it has them.</summary>
public static class Collections
{
    /// <summary>Sessions, users, countries, frequency and duration buckets.</summary>
    public const string Users = "users";
    /// <summary>OS, OS versions, resolutions, app versions, device types.</summary>
    public const string DeviceDetails = "device_details";
    /// <summary>Device models and manufacturers.</summary>
    public const string Devices = "devices";
    /// <summary>Carriers.</summary>
    public const string Carriers = "carriers";
    /// <summary>Cities.</summary>
    public const string Cities = "cities";
    /// <summary>Languages (locale plugin).</summary>
    public const string Langs = "langs";
    /// <summary>Screen densities (density plugin).</summary>
    public const string Density = "density";
    /// <summary>Devices counted by the day of their last session (exact users for a period ending now).</summary>
    public const string LastSeen = "lastseen";
    /// <summary>Retention cohorts maintained on the write path.</summary>
    public const string Retention = "retention";
    /// <summary>Prefix of per-event collections: <c>e:</c> + event key.</summary>
    public const string EventPrefix = "e:";

    /// <summary>The collection of an event key.</summary>
    public static string Event(string key) => EventPrefix + key;
}
