using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Grains;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// Countly's event rules (spec §1.10, <c>api/parts/data/events.js</c>): key checks and
/// clean-up, <c>count</c>/<c>sum</c>/<c>dur</c> parsing, per-event timestamps and
/// segmentation escaping, plus our caps on segments and lengths.
/// </summary>
public static class EventNormalizer
{
    /// <summary>
    /// The SDKs' default batch of events per request. Every event of a request is taken, as in
    /// Countly (an SDK configured for larger batches must not lose the rest); a request with more
    /// than this many has its journal record measured, and past <c>JournalEntry.MaxBytes</c> it is
    /// refused whole (<c>WriteHandler</c>).
    /// </summary>
    public const int SdkBatch = 100;

    /// <summary>Most segments kept per event: Countly's <c>event_segmentation_limit</c> default; later keys are dropped.</summary>
    public const int MaxSegmentsPerEvent = 100;

    /// <summary>Event and segment keys of this length or more are dropped (Countly's <c>fixEventKey</c> limit).</summary>
    public const int MaxKeyLength = 128;

    /// <summary>Longest segment value; longer values are cut (Countly has no cap, but each value is a counter key).</summary>
    public const int MaxSegmentValueLength = 256;

    /// <summary>The prefix of Countly's reserved event keys.</summary>
    public const string ReservedPrefix = "[CLY]_";

    /// <summary>Reserved keys that Countly plugins register as internal events, which are therefore accepted.</summary>
    private static readonly FrozenSet<string> RegisteredInternal = new[]
    {
        "[CLY]_session", "[CLY]_view", "[CLY]_action", "[CLY]_crash", "[CLY]_star_rating", "[CLY]_nps",
        "[CLY]_survey", "[CLY]_push_action", "[CLY]_push_sent", "[CLY]_consent", "[CLY]_orientation",
        "[CLY]_apm_network", "[CLY]_apm_device",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Segments Countly leaves out of an internal event's aggregates (its plugins'
    /// <c>internalOmitSegments</c>): a star rating's e-mail address, comment, widget and contact
    /// wish are kept by its feedback plugin, never as segment values anyone can list.
    /// </summary>
    private static readonly FrozenDictionary<string, FrozenSet<string>> OmittedSegments = new Dictionary<string, FrozenSet<string>>
    {
        ["[CLY]_star_rating"] = new[] { "email", "comment", "widget_id", "contactMe" }.ToFrozenSet(StringComparer.Ordinal),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Segment values that would clash with day keys (<c>"1"</c>…<c>"31"</c>) in Countly's documents and are therefore prefixed with <c>[CLY]</c>.</summary>
    private static readonly FrozenSet<string> DayLikeValues = Enumerable.Range(1, 31)
        .Select(i => i.ToString(CultureInfo.InvariantCulture)).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="key"/> is an internal Countly event (<c>[CLY]_…</c>), which user-facing event lists leave out.</summary>
    public static bool IsInternal(string key) => key.StartsWith(ReservedPrefix, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="key"/> is a reserved key that a Countly plugin registers, so the server accepts it.</summary>
    public static bool IsRegisteredInternal(string key) => RegisteredInternal.Contains(key);

    /// <summary>Normalises the request's <c>events</c> parameter (JSON text or a JSON array); empty when absent or not an array.</summary>
    public static IReadOnlyList<IngestEvent> Normalize(ParamBag bag, long requestTimestampMs, long nowMs)
    {
        if (!bag.TryGetJsonPooled("events", out var events, out var scope))
        {
            return [];
        }

        // The events keep no reference into the JSON (their keys and values are copied out).
        using (scope)
        {
            return Normalize(events, requestTimestampMs, nowMs);
        }
    }

    /// <summary>
    /// Normalises an <c>events</c> JSON array: elements that are not objects, lack a truthy
    /// <c>key</c>, use an unregistered <c>[CLY]_</c> key or whose key cleans up to nothing are
    /// skipped.
    /// </summary>
    public static IReadOnlyList<IngestEvent> Normalize(JsonElement events, long requestTimestampMs, long nowMs)
    {
        if (events.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        List<IngestEvent>? result = null;
        foreach (var element in events.EnumerateArray())
        {
            if (Event(element, requestTimestampMs, nowMs) is not { } e)
            {
                continue;
            }

            result ??= new List<IngestEvent>(Math.Min(events.GetArrayLength(), SdkBatch));
            result.Add(e);
        }

        return result is null ? [] : result;
    }

    /// <summary>One event, or null when Countly would skip it.</summary>
    private static IngestEvent? Event(JsonElement element, long requestTimestampMs, long nowMs)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        JsonElement keyValue = default, count = default, sum = default, dur = default, timestamp = default, segmentation = default;
        // NameEquals compares the (unescaped) UTF-8 name in place: property.Name would make a
        // string of every name (hour, dow, ...) only to compare it.
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals("key"u8))
            {
                keyValue = property.Value;
            }
            else if (property.NameEquals("count"u8))
            {
                count = property.Value;
            }
            else if (property.NameEquals("sum"u8))
            {
                sum = property.Value;
            }
            else if (property.NameEquals("dur"u8))
            {
                dur = property.Value;
            }
            else if (property.NameEquals("timestamp"u8))
            {
                timestamp = property.Value;
            }
            else if (property.NameEquals("segmentation"u8))
            {
                segmentation = property.Value;
            }
        }

        // Non-string keys are JSON-stringified (so null becomes "null"); a missing key stays falsy.
        string? rawKey = keyValue.ValueKind switch
        {
            JsonValueKind.Undefined => null,
            JsonValueKind.String => Js.TryGetString(keyValue, out var s) ? s : null,
            _ => Js.Stringify(keyValue),
        };
        if (string.IsNullOrEmpty(rawKey) || (IsInternal(rawKey) && !IsRegisteredInternal(rawKey)))
        {
            return null;
        }

        var key = FixKey(rawKey);
        if (key is null)
        {
            return null;
        }

        return new IngestEvent
        {
            Key = key,
            Count = Count(count),
            Sum = Decimal(sum, round5: true),
            Dur = Decimal(dur, round5: false),
            Timestamp = Js.IsTruthy(timestamp) ? SdkValues.ResolveTimestampMs(timestamp, nowMs) : requestTimestampMs,
            Segments = Segments(segmentation, OmittedSegments.GetValueOrDefault(key)),
        };
    }

    /// <summary>
    /// Countly's <c>fixEventKey</c>: removes <c>system.</c>, <c>..</c> and <c>$</c> (one
    /// left-to-right pass, like the regex); null when the result is empty or <see cref="MaxKeyLength"/> chars or more.
    /// </summary>
    public static string? FixKey(string key)
    {
        string fixedKey;
        if (key.AsSpan().IndexOfAny('$', '.') < 0)
        {
            fixedKey = key;
        }
        else
        {
            var sb = new StringBuilder(key.Length);
            var span = key.AsSpan();
            for (var i = 0; i < span.Length;)
            {
                if (span[i..].StartsWith("system.", StringComparison.Ordinal))
                {
                    i += 7;
                }
                else if (span[i..].StartsWith("..", StringComparison.Ordinal))
                {
                    i += 2;
                }
                else if (span[i] == '$')
                {
                    i++;
                }
                else
                {
                    sb.Append(span[i]);
                    i++;
                }
            }

            fixedKey = sb.ToString();
        }

        return fixedKey.Length == 0 || fixedKey.Length >= MaxKeyLength ? null : fixedKey;
    }

    /// <summary>
    /// <c>count</c>: <c>parseInt</c> when truthy and numeric, else 1; 0 and NaN (e.g. <c>".5"</c>)
    /// also count 1. Negative counts are kept, as in Countly; values beyond ±2^53 are clamped.
    /// </summary>
    private static long Count(JsonElement count)
    {
        if (!Js.IsTruthy(count) || !Js.IsNumber(count))
        {
            return 1;
        }

        const double MaxSafe = 9007199254740991;

        // A plain JSON integer (what the SDKs send): parseInt(String(n)) is n, clamped as below.
        if (count.ValueKind == JsonValueKind.Number && count.TryGetInt64(out var whole))
        {
            return (long)Math.Clamp(whole, -MaxSafe, MaxSafe);
        }

        var parsed = Js.ParseInt(Js.ToJsString(count), 10);
        if (double.IsNaN(parsed) || parsed == 0)
        {
            return 1;
        }

        return (long)Math.Clamp(parsed, -MaxSafe, MaxSafe);
    }

    /// <summary>
    /// <c>sum</c> (rounded to 5 decimals via <c>toFixed(5)</c>) or <c>dur</c>: null unless truthy
    /// and numeric; also null when the number does not fit a decimal.
    /// </summary>
    private static decimal? Decimal(JsonElement value, bool round5)
    {
        if (!Js.IsTruthy(value) || !Js.IsNumber(value))
        {
            return null;
        }

        // Most sums and durations are plain JSON numbers such as 4.99: their value is the
        // written one, without the round trips through double and text below.
        if (value.ValueKind == JsonValueKind.Number
            && TryPlainDecimal(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value), round5 ? 5 : int.MaxValue, out var plain))
        {
            return plain;
        }

        return DecimalOfNumber(value, round5);
    }

    /// <summary>
    /// <see cref="Decimal"/> step by step as JavaScript computes it (<c>parseFloat</c>, for a
    /// sum <c>toFixed(5)</c> and <c>parseFloat</c> again, then the number's shortest text).
    /// </summary>
    internal static decimal? DecimalOfNumber(JsonElement value, bool round5)
    {
        var number = Js.ParseFloat(Js.ToJsString(value));
        if (round5)
        {
            // parseFloat(x.toFixed(5)): back through a double, so 9.99 stays 9.99 rather than 9.99000.
            number = Js.ParseFloat(Js.ToFixed(number, 5));
        }

        var text = number.ToString("R", CultureInfo.InvariantCulture);
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    /// <summary>
    /// The value of JSON number text <paramref name="raw"/> when that is what
    /// <see cref="DecimalOfNumber"/> gives for it: no exponent, 1 to 15 significant digits
    /// (so the double nearest to it prints back as the same digits), at most
    /// <paramref name="maxFraction"/> decimals (so <c>toFixed(5)</c> keeps them) and no
    /// trailing zero after the point (whose scale the double would drop: 1.50 prints as 1.5).
    /// </summary>
    internal static bool TryPlainDecimal(ReadOnlySpan<byte> raw, int maxFraction, out decimal value)
    {
        value = 0;
        var significant = 0;
        var fraction = -1;
        for (var i = raw.Length > 0 && raw[0] == '-' ? 1 : 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '.')
            {
                if (fraction >= 0)
                {
                    return false;
                }

                fraction = 0;
                continue;
            }

            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            if (fraction >= 0)
            {
                fraction++;
            }

            if (c != '0' || significant > 0)
            {
                significant++;
            }
        }

        if (significant is 0 or > 15 || fraction == 0 || fraction > maxFraction || (fraction > 0 && raw[^1] == '0'))
        {
            return false;
        }

        return decimal.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Segmentation pairs in the order sent: keys lose <c>.</c> and leading <c>$</c> (a cleaned
    /// key seen again replaces the earlier value, as the JavaScript rename does); array values
    /// are skipped (Countly), and so are object values (Countly would store
    /// <c>"[object Object]"</c>); other values become <c>String(x)</c>, lose leading <c>$</c>,
    /// turn <c>.</c> into <c>:</c>, get <c>[CLY]</c> before day-like values and <c>&amp;#9647</c>
    /// for NUL. Empty values are skipped. Non-object segmentation gives no segments.
    /// </summary>
    private static IReadOnlyList<KeyValuePair<string, string>> Segments(JsonElement segmentation, FrozenSet<string>? omitted)
    {
        if (segmentation.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        List<KeyValuePair<string, string>>? result = null;
        Dictionary<string, int>? index = null;
        foreach (var property in segmentation.EnumerateObject())
        {
            var key = SegmentKey(property.Name);
            if (key is null || omitted?.Contains(key) == true)
            {
                continue;
            }

            var value = SegmentValue(property.Value);
            result ??= [];

            // A linear scan is cheapest for the usual handful of segments; an index keeps
            // hostile objects with thousands of properties linear.
            if (index is null && result.Count > 16)
            {
                index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < result.Count; i++)
                {
                    index[result[i].Key] = i;
                }
            }

            var at = index is null ? IndexOf(result, key) : index.GetValueOrDefault(key, -1);
            if (at >= 0)
            {
                if (value is null)
                {
                    result.RemoveAt(at);
                    index = null; // positions moved; rebuilt on demand
                }
                else
                {
                    result[at] = new(key, value);
                }
            }
            else if (value is not null && result.Count < MaxSegmentsPerEvent)
            {
                index?.Add(key, result.Count);
                result.Add(new(key, value));
            }
        }

        return result is null || result.Count == 0 ? [] : result;
    }

    private static int IndexOf(List<KeyValuePair<string, string>> pairs, string key)
    {
        for (var i = 0; i < pairs.Count; i++)
        {
            if (string.Equals(pairs[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A segment key as Countly stores it (<c>replace(/^\$+|\./g, "")</c>), or null when empty or too long.</summary>
    private static string? SegmentKey(string name)
    {
        var span = name.AsSpan().TrimStart('$');
        string key;
        if (span.Length == name.Length && !span.Contains('.'))
        {
            key = name;
        }
        else if (!span.Contains('.'))
        {
            key = new string(span);
        }
        else
        {
            var sb = new StringBuilder(span.Length);
            foreach (var c in span)
            {
                if (c != '.')
                {
                    sb.Append(c);
                }
            }

            key = sb.ToString();
        }

        return key.Length == 0 || key.Length >= MaxKeyLength ? null : key;
    }

    /// <summary>
    /// A segment value as Countly stores it, or null when it is skipped: arrays are skipped,
    /// anything else is stringified as JavaScript's <c>value + ""</c> does (an object is
    /// <c>[object Object]</c>).
    /// </summary>
    private static string? SegmentValue(JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Array)
        {
            return null;
        }

        var text = Js.ToJsString(value);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var span = text.AsSpan().TrimStart('$');
        if (span.IsEmpty)
        {
            return null; // "$" alone: Countly would store an empty value; an empty counter key is useless
        }

        string cleaned = span.Length == text.Length && !span.Contains('.') ? text : span.ToString().Replace('.', ':');
        if (DayLikeValues.Contains(cleaned))
        {
            cleaned = "[CLY]" + cleaned;
        }

        if (cleaned.Contains('\0'))
        {
            cleaned = cleaned.Replace("\0", "&#9647", StringComparison.Ordinal);
        }

        var capped = MetricNormalizer.Cap(cleaned, MaxSegmentValueLength);
        return capped.Length == cleaned.Length ? cleaned : capped.ToString();
    }
}
