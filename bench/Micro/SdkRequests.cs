namespace Analytics.Bench.Micro;

/// <summary>
/// Query strings exactly as countly-sdk-nodejs 24.10.4 sends them (the load generator's
/// format, tooling notes §2): a begin with metrics and a batch of three events.
/// </summary>
public static class SdkRequests
{
    /// <summary>The request's timestamp, in the past so it is never clamped.</summary>
    public const long Timestamp = 1795685340685;

    /// <summary><c>begin_session=1</c> with the SDK's metrics.</summary>
    public const string Begin =
        "begin_session=1&metrics=%7B%22_os%22%3A%22iOS%22%2C%22_os_version%22%3A%2217.4%22%2C%22_device%22%3A%22iPhone15%2C2%22%2C%22_resolution%22%3A%221290x2796%22%2C%22_locale%22%3A%22en_US%22%2C%22_app_version%22%3A%222.3.1%22%7D"
        + Common;

    /// <summary>Three events with sums and two segments each.</summary>
    public const string Events =
        "events=%5B%7B%22key%22%3A%22share%22%2C%22count%22%3A1%2C%22sum%22%3A4.99%2C%22segmentation%22%3A%7B%22country%22%3A%22BR%22%2C%22plan%22%3A%22pro%22%7D%2C%22timestamp%22%3A1795685340655%2C%22hour%22%3A9%2C%22dow%22%3A4%7D"
        + "%2C%7B%22key%22%3A%22purchase%22%2C%22count%22%3A2%2C%22sum%22%3A100%2C%22segmentation%22%3A%7B%22country%22%3A%22DE%22%2C%22plan%22%3A%22free%22%7D%2C%22timestamp%22%3A1795685340665%2C%22hour%22%3A9%2C%22dow%22%3A4%7D"
        + "%2C%7B%22key%22%3A%22level_up%22%2C%22count%22%3A2%2C%22sum%22%3A9.99%2C%22segmentation%22%3A%7B%22country%22%3A%22FR%22%2C%22plan%22%3A%22team%22%7D%2C%22timestamp%22%3A1795685340675%2C%22hour%22%3A9%2C%22dow%22%3A4%7D%5D"
        + Common;

    private const string Common =
        "&app_key=3c54a80936a653280fdc2c3132b29cafd341866c&device_id=a3aae7b1-c2f9-47bd-a59e-69f4485855f1&sdk_name=javascript_native_nodejs&sdk_version=24.10.4&t=1&timestamp=1795685340685&hour=9&dow=4&tz=0";

    /// <summary>The same request at another time (a different fingerprint and timestamp).</summary>
    public static string At(string query, long timestamp) =>
        query.Replace("timestamp=1795685340685", "timestamp=" + timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
