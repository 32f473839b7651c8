namespace Analytics.Grains;

/// <summary>
/// Where each metric is aggregated (Countly's collection and meta set), in the index order
/// used by <see cref="Metrics.Get(int)"/> and by the device state.
/// </summary>
public static class MetricCatalog
{
    /// <summary>One metric: its SDK name, collection and meta set.</summary>
    public sealed record Entry(string Name, string Collection, string Set);

    /// <summary>All metrics, by index.</summary>
    public static readonly IReadOnlyList<Entry> All =
    [
        new("_os", Collections.DeviceDetails, "os"),
        new("_os_version", Collections.DeviceDetails, "os_versions"),
        new("_device", Collections.Devices, "devices"),
        new("_resolution", Collections.DeviceDetails, "resolutions"),
        new("_carrier", Collections.Carriers, "carriers"),
        new("_app_version", Collections.DeviceDetails, "app_versions"),
        new("_density", Collections.Density, "density"),
        new("_locale", Collections.Langs, "langs"),
        new("_device_type", Collections.DeviceDetails, "device_type"),
        new("_manufacturer", Collections.Devices, "manufacturers"),
    ];

    /// <summary>Number of metrics.</summary>
    public const int Count = 10;
}
