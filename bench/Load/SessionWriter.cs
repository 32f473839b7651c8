using System.Globalization;
using System.Text;

namespace Analytics.Bench.Load;

/// <summary>
/// Writes the query strings of one device's session exactly as countly-sdk-nodejs 24.10.4
/// sends them: the request's own parameters first, then <c>app_key, device_id, sdk_name,
/// sdk_version, t, timestamp, hour, dow, tz</c> (its <c>prepareRequest</c>), every value
/// through <c>encodeURIComponent</c>, JSON values as <c>JSON.stringify</c> prints them.
/// </summary>
public static class SessionWriter
{
    /// <summary>The SDK name the Node SDK sends.</summary>
    public const string SdkName = "javascript_native_nodejs";

    /// <summary>The SDK version captured in tooling notes §2.</summary>
    public const string SdkVersion = "24.10.4";

    /// <summary>Event keys of the mix.</summary>
    public static readonly string[] EventKeys = ["purchase", "level_up", "add_to_cart", "share", "ad_click"];

    private static readonly string[] Countries = ["DE", "US", "FR", "BR", "JP"];
    private static readonly string[] Plans = ["free", "pro", "team"];
    private static readonly double[] Prices = [0.99, 1.99, 4.99, 9.99, 19.99, 2.5, 100];
    private static readonly string[] Locales = ["en_US", "de_DE", "fr_FR", "pt_BR", "ja_JP"];
    private static readonly string[] AppVersions = ["2.3.1", "2.4.0", "3.0"];

    private static readonly (string Os, string[] Versions, string[] Devices, string[] Resolutions)[] Platforms =
    [
        ("Android", ["13", "14", "15"], ["Pixel 8", "SM-S918B", "Redmi Note 12"], ["1080x2400", "1440x3088"]),
        ("iOS", ["17.4", "18.1"], ["iPhone15,2", "iPhone16,1"], ["1179x2556", "1290x2796"]),
        ("Linux", ["6.1"], ["bench-box"], ["1920x1080"]),
    ];

    /// <summary>Appends <c>begin_session=1&amp;metrics=…</c>.</summary>
    public static void Begin(StringBuilder sb, ref SplitMix rng)
    {
        var p = Platforms[rng.Below(Platforms.Length)];
        var metrics = new StringBuilder(160)
            .Append("{\"_os\":\"").Append(p.Os)
            .Append("\",\"_os_version\":\"").Append(p.Versions[rng.Below(p.Versions.Length)])
            .Append("\",\"_device\":\"").Append(p.Devices[rng.Below(p.Devices.Length)])
            .Append("\",\"_resolution\":\"").Append(p.Resolutions[rng.Below(p.Resolutions.Length)])
            .Append("\",\"_locale\":\"").Append(Locales[rng.Below(Locales.Length)])
            .Append("\",\"_app_version\":\"").Append(AppVersions[rng.Below(AppVersions.Length)])
            .Append("\"}");
        sb.Append("begin_session=1&metrics=").AppendEncoded(metrics.ToString());
    }

    /// <summary>Appends <c>events=[…]</c> with 1–3 events stamped just before <paramref name="timestamp"/>.</summary>
    public static void Events(StringBuilder sb, ref SplitMix rng, long timestamp)
    {
        var n = 1 + rng.Below(3);
        var json = new StringBuilder(200 * n).Append('[');
        for (var i = 0; i < n; i++)
        {
            var at = timestamp - (10 * (n - i));
            var time = DateTimeOffset.FromUnixTimeMilliseconds(at);
            json.Append(i == 0 ? "{" : ",{")
                .Append("\"key\":\"").Append(EventKeys[rng.Below(EventKeys.Length)])
                .Append("\",\"count\":").Append(1 + rng.Below(3))
                .Append(",\"sum\":").Append(Prices[rng.Below(Prices.Length)].ToString("R", CultureInfo.InvariantCulture))
                .Append(",\"segmentation\":{\"country\":\"").Append(Countries[rng.Below(Countries.Length)])
                .Append("\",\"plan\":\"").Append(Plans[rng.Below(Plans.Length)])
                .Append("\"},\"timestamp\":").Append(at)
                .Append(",\"hour\":").Append(time.Hour)
                .Append(",\"dow\":").Append((int)time.DayOfWeek)
                .Append('}');
        }

        sb.Append("events=").AppendEncoded(json.Append(']').ToString());
    }

    /// <summary>Appends the parameters <c>prepareRequest</c> adds to every request (<paramref name="appKey"/> or <paramref name="deviceId"/> null: left out).</summary>
    public static void Common(StringBuilder sb, string? appKey, string? deviceId, long timestamp)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(timestamp);
        if (appKey is not null)
        {
            sb.Append("&app_key=").AppendEncoded(appKey);
        }

        if (deviceId is not null)
        {
            sb.Append("&device_id=").AppendEncoded(deviceId);
        }

        sb.Append("&sdk_name=").Append(SdkName)
            .Append("&sdk_version=").Append(SdkVersion)
            .Append("&t=1&timestamp=").Append(timestamp)
            .Append("&hour=").Append(time.Hour)
            .Append("&dow=").Append((int)time.DayOfWeek)
            .Append("&tz=0");
    }

    /// <summary>A UUID v4 as the SDK generates for a device without a developer-supplied id (<c>t=1</c>).</summary>
    public static string DeviceId(ref SplitMix rng)
    {
        Span<byte> b = stackalloc byte[16];
        BitConverter.TryWriteBytes(b, rng.Next());
        BitConverter.TryWriteBytes(b[8..], rng.Next());
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(b);
        return string.Concat(hex[..8], "-", hex[8..12], "-", hex[12..16], "-", hex[16..20], "-", hex[20..]);
    }
}
