using System.Globalization;
using System.Text.Json;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// Countly's parsing of the numeric SDK parameters: <c>session_duration</c>
/// (<c>usage.processSessionDuration</c>) and <c>timestamp</c> (<c>common.initTimeObj</c>).
/// </summary>
public static class SdkValues
{
    /// <summary>Countly's default <c>session_duration_limit</c>: one request adds at most a day.</summary>
    public const int SessionDurationLimit = 86400;

    /// <summary>What Countly adds for a negative <c>session_duration</c>.</summary>
    public const int NegativeSessionDuration = 30;

    /// <summary>
    /// Reads <c>session_duration</c> as Countly does: <c>parseInt</c> of the value (so
    /// <c>"30abc"</c> is 30 and <c>30.9</c> is 30), ignored when that is NaN or 0, capped at
    /// <paramref name="limit"/>, and 30 when negative. False when the request carries no usable duration.
    /// </summary>
    public static bool TryGetSessionDuration(ParamBag bag, out int seconds, int limit = SessionDurationLimit)
    {
        seconds = 0;

        // parseInt works on String(x): JSON numbers (30.9 → "30.9" → 30) go through their text too.
        var text = bag.GetString("session_duration");
        if (text is null)
        {
            return false;
        }

        var parsed = Js.ParseInt(text);
        if (double.IsNaN(parsed) || parsed == 0)
        {
            return false;
        }

        if (limit > 0 && parsed > limit)
        {
            parsed = limit;
        }

        // The cap is checked first, so a negative value always ends up as 30.
        seconds = parsed < 0 ? NegativeSessionDuration : (int)Math.Min(parsed, int.MaxValue);
        return true;
    }

    /// <summary>
    /// The earliest year any request or event can be counted in: a timestamp is taken only from
    /// 10 digits of seconds or 13 of ms, i.e. from 10^9 s (2001-09-09 UTC) on, which is 2001 in
    /// every time zone. Countly's <c>fullRange</c> reads from here.
    /// </summary>
    public const int EarliestYear = 2001;

    /// <summary>The request time in Unix ms from the <c>timestamp</c> parameter (see <see cref="ResolveTimestampMs(string?, long)"/>).</summary>
    public static long ResolveTimestampMs(ParamBag bag, long nowMs)
    {
        if (!bag.IsTruthy("timestamp"))
        {
            return nowMs;
        }

        var kind = bag.KindOf("timestamp");
        return kind is JsonValueKind.String or JsonValueKind.Number ? ResolveTimestampMs(bag.GetString("timestamp"), nowMs) : nowMs;
    }

    /// <summary>An event's own time in Unix ms from its JSON <c>timestamp</c> (see <see cref="ResolveTimestampMs(string?, long)"/>).</summary>
    public static long ResolveTimestampMs(JsonElement value, long nowMs)
    {
        if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number) || !Js.IsTruthy(value))
        {
            return nowMs;
        }

        // What the SDKs send, a plain integer of 10 or 13 digits, as the text path below reads
        // it (that integer's text), without making the text.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            && n is (>= 1_000_000_000 and < 10_000_000_000) or (>= 1_000_000_000_000 and < 10_000_000_000_000))
        {
            var ms = n < 10_000_000_000 ? n * 1000 : n;
            return ms > nowMs ? nowMs : ms;
        }

        return ResolveTimestampMs(Js.ToJsString(value), nowMs);
    }

    /// <summary>
    /// Countly's <c>initTimeObj</c>: a numeric value that rounds to 10 digits is seconds
    /// (fractions allowed, e.g. <c>1700000000.5</c>), 13 digits is milliseconds; anything else
    /// (including negative values, NaN and text with trailing garbage) is the server time
    /// <paramref name="nowMs"/>. A time in the future is clamped to <paramref name="nowMs"/>.
    /// </summary>
    public static long ResolveTimestampMs(string? value, long nowMs)
    {
        if (string.IsNullOrEmpty(value))
        {
            return nowMs;
        }

        // Fast path: what every SDK sends (10 or 13 plain digits) needs no JavaScript number rules.
        if (value.Length is 10 or 13 && value[0] != '0' && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var plain))
        {
            var plainMs = value.Length == 10 ? plain * 1000 : plain;
            return plainMs > nowMs ? nowMs : plainMs;
        }

        if (!Js.IsNumber(value))
        {
            return nowMs;
        }

        var number = Js.ParseFloat(value);
        var rounded = Math.Floor(number + 0.5); // Math.round
        double ms;
        if (rounded is >= 1e9 and < 1e10)
        {
            ms = Math.Round(number * 1000);
        }
        else if (rounded is >= 1e12 and < 1e13)
        {
            ms = Js.ParseInt(value, 10);
        }
        else
        {
            return nowMs;
        }

        return ms > nowMs ? nowMs : (long)ms;
    }
}
