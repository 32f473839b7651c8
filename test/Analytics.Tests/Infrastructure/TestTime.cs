using System.Globalization;

namespace Analytics.Tests.Infrastructure;

/// <summary>
/// Explicit past request times inside the previous UTC hour (never in the future, never across
/// an hour boundary in zones with whole-hour offsets), and the app-local bucket keys of an instant.
/// </summary>
public static class TestTime
{
    /// <summary>Istanbul, every app's default time zone.</summary>
    public static readonly TimeZoneInfo Istanbul = TimeZoneInfo.FindSystemTimeZoneById("Europe/Istanbul");

    /// <summary>Start of the previous UTC hour, Unix ms.</summary>
    public static long PreviousHourMs()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return (now / 3_600_000 * 3_600_000) - 3_600_000;
    }

    /// <summary>Start of the current UTC hour, Unix ms: today in every zone with a whole-hour offset, and never in the future.</summary>
    public static long ThisHourMs()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return now / 3_600_000 * 3_600_000;
    }

    /// <summary><paramref name="minute"/>:<paramref name="second"/> into the previous UTC hour, Unix ms.</summary>
    public static long InPreviousHour(int minute, int second = 0) => PreviousHourMs() + (minute * 60_000L) + (second * 1000L);

    /// <summary>
    /// <paramref name="ms"/>, or the start of the current hour when <paramref name="ms"/> falls in
    /// the previous local year (the first hour of a year), for reads of periods that start on 1 January.
    /// </summary>
    public static long ThisYear(long ms, TimeZoneInfo? zone = null)
    {
        var z = zone ?? Istanbul;
        var year = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), z).Year;
        return year == TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, z).Year ? ms : ThisHourMs();
    }

    /// <summary>Unix ms as the 13-digit text SDKs send.</summary>
    public static string Text(long ms) => ms.ToString(CultureInfo.InvariantCulture);

    /// <summary>Unix seconds (10 digits) of <paramref name="ms"/>.</summary>
    public static string Seconds(long ms) => (ms / 1000).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="template"/> with <c>{Y}</c>, <c>{M}</c>, <c>{D}</c>, <c>{H}</c> and <c>{W}</c>
    /// replaced by the year, month, day, hour and week key (<c>w</c> + ceil(dayOfYear / 7)) of
    /// <paramref name="ms"/> in <paramref name="zone"/> (Istanbul when null), unpadded as Countly writes them.
    /// </summary>
    public static string Fill(string template, long ms, TimeZoneInfo? zone = null)
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone ?? Istanbul);
        return template
            .Replace("{Y}", local.Year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{M}", local.Month.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{D}", local.Day.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{H}", local.Hour.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{W}", "w" + ((local.DayOfYear + 6) / 7).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
