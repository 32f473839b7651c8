using System.Text;
using System.Text.Json;
using Analytics.Grains;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// Countly's metric normalisation (spec §1.9): carrier clean-up (<c>common.processCarrier</c>),
/// OS prefixes on <c>_os_version</c> and <c>_density</c>, <c>"1"</c> → <c>"1.0"</c> app
/// versions, locale → language, then Mongo-key escaping (<c>$</c> and <c>.</c>) of every value.
/// </summary>
public static class MetricNormalizer
{
    /// <summary>
    /// Longest stored metric value; longer values are cut. Countly has no cap, but every
    /// distinct value becomes a counter key and a meta entry, so unbounded SDK strings
    /// (a user agent sent as <c>_device</c>) would bloat storage.
    /// </summary>
    public const int MaxValueLength = 128;

    /// <summary>Normalises the request's <c>metrics</c> parameter (JSON text or a JSON object); null when absent, malformed, not an object or without any usable value.</summary>
    public static Metrics? Normalize(ParamBag bag)
    {
        if (!bag.TryGetJsonPooled("metrics", out var metrics, out var scope))
        {
            return null;
        }

        // The metrics keep no reference into the JSON (their values are copied out).
        using (scope)
        {
            return Normalize(metrics);
        }
    }

    /// <summary>Normalises a <c>metrics</c> JSON object; null when it is not an object or has no usable value.</summary>
    public static Metrics? Normalize(JsonElement metrics)
    {
        if (metrics.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? os = null, osVersion = null, device = null, resolution = null, carrier = null;
        string? appVersion = null, locale = null, deviceType = null, manufacturer = null;
        JsonElement density = default;

        // One pass; a repeated name keeps its last value, as JSON.parse does.
        foreach (var property in metrics.EnumerateObject())
        {
            // NameEquals compares the UTF-8 name in place (property.Name would allocate it).
            if (property.NameEquals("_os"u8))
            {
                os = Text(property.Value);
            }
            else if (property.NameEquals("_os_version"u8))
            {
                osVersion = Text(property.Value);
            }
            else if (property.NameEquals("_device"u8))
            {
                device = Text(property.Value);
            }
            else if (property.NameEquals("_resolution"u8))
            {
                resolution = Text(property.Value);
            }
            else if (property.NameEquals("_carrier"u8))
            {
                carrier = Text(property.Value);
            }
            else if (property.NameEquals("_app_version"u8))
            {
                appVersion = Text(property.Value);
            }
            else if (property.NameEquals("_density"u8))
            {
                density = property.Value;
            }
            else if (property.NameEquals("_locale"u8))
            {
                locale = Text(property.Value);
            }
            else if (property.NameEquals("_device_type"u8))
            {
                deviceType = Text(property.Value);
            }
            else if (property.NameEquals("_manufacturer"u8))
            {
                manufacturer = Text(property.Value);
            }
        }

        // Countly (usage.getPredefinedMetrics): Apple devices get a device type and a
        // manufacturer when the SDK sent none, from the OS and device names as sent.
        deviceType ??= DeviceTypeOf(os, device);
        manufacturer ??= ManufacturerOf(os);

        var densityText = Density(density, os);
        if (carrier is not null)
        {
            carrier = Carrier(carrier);
        }

        if (os is not null && osVersion is not null)
        {
            var prefix = OsPrefixes.Of(os);
            if (prefix is not null && !osVersion.StartsWith(prefix, StringComparison.Ordinal))
            {
                osVersion = prefix + osVersion;
            }
            else
            {
                // Countly 24.05+: an OS outside the map (or a version already carrying the
                // prefix) is marked with the OS name itself, brackets removed from the name.
                os = os.Replace("[", string.Empty, StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal);
                osVersion = string.Concat("[", os, "]", osVersion);
            }
        }

        if (appVersion is not null && !appVersion.Contains('.') && Js.IsNumber(appVersion))
        {
            appVersion += ".0";
        }

        var result = new Metrics
        {
            Os = Escape(os),
            OsVersion = Escape(osVersion),
            Device = Escape(device),
            Resolution = Escape(resolution),
            Carrier = Escape(carrier),
            AppVersion = Escape(appVersion),
            Density = Escape(densityText),
            Locale = Escape(locale is null ? null : LanguageOf(locale)),
            DeviceType = Escape(deviceType),
            Manufacturer = Escape(manufacturer),
        };

        for (var i = 0; i < MetricCatalog.Count; i++)
        {
            if (result.Get(i) is not null)
            {
                return result;
            }
        }

        return null;
    }

    /// <summary>
    /// Countly's <c>_device_type</c> for an Apple device the SDK did not classify: exact OS
    /// names and device-name prefixes (<c>iOS</c> + <c>iPhone…</c>/<c>iPod…</c> → mobile,
    /// <c>iPad…</c> → tablet, <c>watchOS</c> + <c>Watch…</c> → wearable, <c>tvOS</c> +
    /// <c>AppleTV…</c> → smarttv, <c>macOS</c> + <c>Mac…</c>/<c>iMac…</c> → desktop); otherwise null.
    /// </summary>
    public static string? DeviceTypeOf(string? os, string? device)
    {
        if (device is null)
        {
            return null;
        }

        bool Starts(string prefix) => device.StartsWith(prefix, StringComparison.Ordinal);
        return os switch
        {
            "iOS" when Starts("iPhone") || Starts("iPod") => "mobile",
            "iOS" when Starts("iPad") => "tablet",
            "watchOS" when Starts("Watch") => "wearable",
            "tvOS" when Starts("AppleTV") => "smarttv",
            "macOS" when Starts("Mac") || Starts("iMac") => "desktop",
            _ => null,
        };
    }

    /// <summary>Countly's <c>_manufacturer</c> for an SDK that sent none: <c>Apple</c> for Apple's OS names, otherwise null.</summary>
    public static string? ManufacturerOf(string? os) => os is "iOS" or "watchOS" or "tvOS" or "macOS" ? "Apple" : null;

    /// <summary>
    /// <c>common.processCarrier</c>: drops 16-character values without spaces (random hashes
    /// some SDKs send), iOS 16's <c>"--"</c>, and 5–6 digit MCC-MNC codes (Countly maps them
    /// to an operator name with the <c>mcc-mnc-list</c> package; we have no such table, so
    /// they are dropped, which Countly also does for unknown codes); then title-cases each word.
    /// </summary>
    public static string? Carrier(string carrier)
    {
        if (carrier == "--" || (carrier.Length == 16 && !carrier.Contains(' ')))
        {
            return null;
        }

        if (carrier.Length is 5 or 6 && IsAsciiDigits(carrier))
        {
            return null;
        }

        return TitleCase(carrier);
    }

    /// <summary>
    /// The locale plugin's <c>languageFromLocale</c>: the lower-cased part before the first
    /// <c>-</c>/<c>_</c>; Chinese needs exactly two parts and maps <c>hans</c>/<c>cn</c> to
    /// <c>zh_hans</c> and <c>hant</c>/<c>tw</c>/<c>hk</c> to <c>zh_hant</c> (anything else, such
    /// as <c>zh-Hans-CN</c>, gives no language, as in Countly). Null when there is none.
    /// </summary>
    public static string? LanguageOf(string locale)
    {
        var lower = locale.ToLowerInvariant();
        var firstEnd = lower.AsSpan().IndexOfAny('-', '_');
        var language = firstEnd < 0 ? lower : lower[..firstEnd];
        if (language != "zh")
        {
            return language.Length == 0 ? null : language;
        }

        if (firstEnd < 0)
        {
            return null;
        }

        // JavaScript's split(/[\-_]+/): runs of separators split once, so "zh--cn" has two parts.
        var rest = lower.AsSpan(firstEnd).TrimStart("-_");
        if (rest.IndexOfAny('-', '_') >= 0)
        {
            return null;
        }

        return rest switch
        {
            "hans" or "cn" => "zh_hans",
            "hant" or "tw" or "hk" => "zh_hant",
            _ => null,
        };
    }

    /// <summary>
    /// The value Countly stores: one leading <c>$</c> removed and every <c>.</c> turned into
    /// <c>:</c> (Mongo field names), capped at <see cref="MaxValueLength"/>; null when nothing is left.
    /// </summary>
    public static string? Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var span = value.AsSpan();
        if (span[0] == '$')
        {
            span = span[1..];
        }

        span = Cap(span, MaxValueLength);
        if (span.IsEmpty)
        {
            return null;
        }

        if (span.Length == value.Length && !span.Contains('.'))
        {
            return value;
        }

        return string.Create(span.Length, span, static (dest, src) =>
        {
            src.CopyTo(dest);
            dest.Replace('.', ':');
        });
    }

    /// <summary>Cuts <paramref name="value"/> to at most <paramref name="max"/> chars without splitting a surrogate pair.</summary>
    internal static ReadOnlySpan<char> Cap(ReadOnlySpan<char> value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }

        return char.IsHighSurrogate(value[max - 1]) ? value[..(max - 1)] : value[..max];
    }

    /// <summary>A metric as <c>String(x)</c> when it is truthy; objects and arrays are dropped rather than stored as <c>"[object Object]"</c>.</summary>
    private static string? Text(JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array || !Js.IsTruthy(value))
        {
            return null;
        }

        return Js.ToJsString(value);
    }

    /// <summary>The density plugin: numeric values get two decimals, then the OS prefix (or <c>[os]</c> for an unmapped OS) unless already there.</summary>
    private static string? Density(JsonElement density, string? os)
    {
        var text = Text(density);
        if (text is null)
        {
            return null;
        }

        if (Js.IsNumber(density))
        {
            text = Js.ToFixed(Js.ParseFloat(text), 2);
        }

        if (os is null)
        {
            return text;
        }

        var prefix = OsPrefixes.Of(os) ?? string.Concat("[", os, "]");
        return text.StartsWith(prefix, StringComparison.Ordinal) ? text : prefix + text;
    }

    /// <summary>JavaScript's <c>replace(/\w\S*/g, t =&gt; t.charAt(0).toUpperCase() + t.substr(1).toLowerCase())</c>.</summary>
    private static string TitleCase(string text)
    {
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                sb.Append(c);
                i++;
                continue;
            }

            var end = i + 1;
            while (end < text.Length && !Js.IsWhiteSpace(text[end]))
            {
                end++;
            }

            sb.Append(char.ToUpperInvariant(c)).Append(text.AsSpan(i + 1, end - i - 1).ToString().ToLowerInvariant());
            i = end;
        }

        return sb.ToString();
    }

    private static bool IsAsciiDigits(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
