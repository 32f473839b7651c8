namespace Analytics.Grains;

/// <summary>
/// The device metrics of a request after Countly's normalisation (OS prefixes, carrier
/// clean-up, <c>$</c>/<c>.</c> escaping); null members were absent or empty.
/// </summary>
[GenerateSerializer, Immutable, Alias("Analytics.Metrics")]
public sealed record class Metrics
{
    /// <summary>Normalised <c>_os</c>.</summary>
    [Id(0)] public string? Os { get; init; }
    /// <summary>Normalised <c>_os_version</c>.</summary>
    [Id(1)] public string? OsVersion { get; init; }
    /// <summary>Normalised <c>_device</c>.</summary>
    [Id(2)] public string? Device { get; init; }
    /// <summary>Normalised <c>_resolution</c>.</summary>
    [Id(3)] public string? Resolution { get; init; }
    /// <summary>Normalised <c>_carrier</c>.</summary>
    [Id(4)] public string? Carrier { get; init; }
    /// <summary>Normalised <c>_app_version</c>.</summary>
    [Id(5)] public string? AppVersion { get; init; }
    /// <summary>Normalised <c>_density</c>.</summary>
    [Id(6)] public string? Density { get; init; }
    /// <summary>Normalised <c>_locale</c> (language code).</summary>
    [Id(7)] public string? Locale { get; init; }
    /// <summary>Normalised <c>_device_type</c>.</summary>
    [Id(8)] public string? DeviceType { get; init; }
    /// <summary>Normalised <c>_manufacturer</c>.</summary>
    [Id(9)] public string? Manufacturer { get; init; }

    /// <summary>The value of metric number <paramref name="index"/> in <see cref="MetricCatalog"/> order.</summary>
    public string? Get(int index) => index switch
    {
        0 => Os,
        1 => OsVersion,
        2 => Device,
        3 => Resolution,
        4 => Carrier,
        5 => AppVersion,
        6 => Density,
        7 => Locale,
        8 => DeviceType,
        9 => Manufacturer,
        _ => null,
    };
}
