using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Output;

/// <summary>
/// Countly's <c>period</c> parameter resolved in the app's time zone at one moment (its
/// <c>getPeriodObject</c>, spec §3.2 and §4.2): the local days of the current period and of the
/// previous period it is compared with, the buckets a <c>/o</c> read must load for both, the
/// instant range used to count users by last session, and the unique-estimate ticks.
/// </summary>
public sealed partial class Period
{
    /// <summary>The body message of the 400 answered for an unusable <c>period</c>.</summary>
    public const string BadRequestMessage = "Bad request parameter: period";

    /// <summary>The period used when the request has none.</summary>
    public const string Default = "30days";

    // Bounds on Nunit periods so a request cannot ask for millions of days (about a century each).
    private const int MaxDays = 36_600;
    private const int MaxWeeks = 5_230;
    private const int MaxMonths = 1_200;
    private const int MaxYears = 100;
    private const int MaxHours = MaxDays * 24;

    private Period(string name, PeriodKind kind, PeriodLabel label, LocalTime now, IReadOnlyList<DateOnly> current, IReadOnlyList<DateOnly> previous, long startMs, long endMs)
    {
        Name = name;
        Kind = kind;
        Label = label;
        Now = now;
        CurrentDays = current;
        PreviousDays = previous;
        StartMs = startMs;
        EndMs = endMs;
        var today = now.Date;
        ContainsToday = current.Count > 0 && current[0] <= today && today <= current[^1];
        Months = current.Concat(previous).Select(d => (d.Year, d.Month)).Distinct().Order().ToArray();
        Years = Months.Select(m => m.Year).Distinct().ToArray();

        if (kind == PeriodKind.Special)
        {
            UniqueTicks = PeriodTicks.Exact(current[0], current[^1]);
            UniqueCheckTicks = PeriodTicks.Check(current[0], current[^1]);
            PreviousUniqueTicks = PeriodTicks.Exact(previous[0], previous[^1]);
            PreviousUniqueCheckTicks = PeriodTicks.Check(previous[0], previous[^1]);
        }
        else
        {
            UniqueTicks = UniqueCheckTicks = PreviousUniqueTicks = PreviousUniqueCheckTicks = [];
            var prev = previous[0];
            (ActiveKey, PreviousKey) = kind switch
            {
                PeriodKind.Year => (CountlyDates.Year(today.Year), CountlyDates.Year(today.Year - 1)),
                PeriodKind.Month => (CountlyDates.MonthKey(today.Year, today.Month), CountlyDates.MonthKey(prev.Year, prev.Month)),
                _ => (CountlyDates.DayKey(current[0]), CountlyDates.DayKey(prev)),
            };
        }

        DateRange = BuildDateRange();
    }

    /// <summary>The period as the request named it (<c>30days</c> when absent); a <c>[from,to]</c> array is named <c>from,to</c> as JavaScript stringifies it.</summary>
    public string Name { get; }

    /// <summary>Whether the period is a day list or one year/month/day object.</summary>
    public PeriodKind Kind { get; }

    /// <summary>Whether this is one of Countly's "special" (day list) periods.</summary>
    public bool IsSpecial => Kind == PeriodKind.Special;

    /// <summary>How the range and chart points are labelled.</summary>
    public PeriodLabel Label { get; }

    /// <summary>The moment the period was resolved at, in the app's zone.</summary>
    public LocalTime Now { get; }

    /// <summary>Local days of the current period, ascending (for <c>month</c>/<c>day</c>: from the start of the year/month up to today).</summary>
    public IReadOnlyList<DateOnly> CurrentDays { get; }

    /// <summary>Local days of the previous period, ascending: the same number of days before for special periods, the same dates one year/month/day earlier otherwise.</summary>
    public IReadOnlyList<DateOnly> PreviousDays { get; }

    /// <summary>For non-special periods, the time-object path of the current object (<c>2024</c>, <c>2024.10</c>, <c>2024.10.15</c>).</summary>
    public string? ActiveKey { get; }

    /// <summary>For non-special periods, the path of the object it is compared with.</summary>
    public string? PreviousKey { get; }

    /// <summary>Start of the current period, Unix ms (inclusive): local midnight of its first day, or the first hour of <c>Nhours</c>.</summary>
    public long StartMs { get; }

    /// <summary>End of the current period, Unix ms (exclusive): local midnight after its last day.</summary>
    public long EndMs { get; }

    /// <summary>Whether today is one of the current days (Countly counts exact users only then).</summary>
    public bool ContainsToday { get; }

    /// <summary>The (year, month) buckets of the current and previous days, ascending: the month documents a <c>/o</c> read loads.</summary>
    public IReadOnlyList<(int Year, int Month)> Months { get; }

    /// <summary>The years of <see cref="Months"/>, ascending: the counter grains (and zero documents) a <c>/o</c> read loads.</summary>
    public IReadOnlyList<int> Years { get; }

    /// <summary>Month/week/day paths whose <c>u</c> values add up to the unique-user estimate of the current period (special periods).</summary>
    public IReadOnlyList<string> UniqueTicks { get; }

    /// <summary>Coarser paths whose <c>u</c> sum caps that estimate.</summary>
    public IReadOnlyList<string> UniqueCheckTicks { get; }

    /// <summary><see cref="UniqueTicks"/> of the previous period.</summary>
    public IReadOnlyList<string> PreviousUniqueTicks { get; }

    /// <summary><see cref="UniqueCheckTicks"/> of the previous period.</summary>
    public IReadOnlyList<string> PreviousUniqueCheckTicks { get; }

    /// <summary>The dashboard's <c>period</c> string, e.g. <c>16 Sep - 15 Oct</c> or <c>00:00 - 23:42</c>.</summary>
    public string DateRange { get; }

    /// <summary>The months of <paramref name="year"/> in <see cref="Months"/>.</summary>
    public IReadOnlyList<int> MonthsOf(int year) => Months.Where(m => m.Year == year).Select(m => m.Month).ToArray();

    /// <summary>Resolves <paramref name="text"/> (null or empty: <see cref="Default"/>) at <paramref name="nowMs"/> in <paramref name="zone"/>.</summary>
    /// <returns>False when the value is not a period Countly accepts; answer 400 with <see cref="BadRequestMessage"/>.</returns>
    public static bool TryParse(string? text, TimeZoneInfo zone, long nowMs, [NotNullWhen(true)] out Period? period)
    {
        try
        {
            return TryParseCore(text, zone, nowMs, out period);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Dates near the ends of the calendar (a range at year 1 or 9999, whose previous or
            // next day does not exist): a bad period, not a server error.
            period = null;
            return false;
        }
    }

    private static bool TryParseCore(string? text, TimeZoneInfo zone, long nowMs, [NotNullWhen(true)] out Period? period)
    {
        period = null;
        var now = LocalTime.Of(nowMs, zone);
        var today = now.Date;
        if (string.IsNullOrEmpty(text))
        {
            text = Default;
        }

        switch (text)
        {
            case "hour":
                period = OneDay(text, PeriodLabel.HourMinute, today, now, zone);
                return true;
            case "yesterday":
                period = OneDay(text, PeriodLabel.DayMonthHourMinute, today.AddDays(-1), now, zone);
                return true;
            case "day":
                period = ToDate(text, PeriodKind.Month, PeriodLabel.DayMonth, new DateOnly(today.Year, today.Month, 1), d => d.AddMonths(-1), now, zone);
                return true;
            case "month":
                period = ToDate(text, PeriodKind.Year, PeriodLabel.Month, new DateOnly(today.Year, 1, 1), d => d.AddYears(-1), now, zone);
                return true;
        }

        if (text.Contains(',', StringComparison.Ordinal))
        {
            return TryParseRange(text, zone, now, out period);
        }

        var match = UnitPeriod().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        DateOnly first;
        long? startMs = null;
        switch (match.Groups[2].Value)
        {
            case "days" when n <= MaxDays:
                first = today.AddDays(1 - n);
                break;
            case "weeks" when n <= MaxWeeks:
                // moment's startOf("week") in its default English locale: weeks start on Sunday.
                first = today.AddDays(-(int)today.DayOfWeek).AddDays(-7 * (n - 1));
                break;
            case "months" when n <= MaxMonths:
                first = new DateOnly(today.Year, today.Month, 1).AddMonths(1 - n);
                break;
            case "years" when n <= MaxYears:
                first = new DateOnly(today.Year - n + 1, 1, 1);
                break;
            case "hours" when n <= MaxHours:
                // Whole hours back from the start of the current one, in elapsed time (moment subtracts hours absolutely).
                startMs = now.StartOfHourMs() - ((n - 1) * 3_600_000L);
                first = LocalTime.Of(startMs.Value, zone).Date;
                break;
            default:
                return false;
        }

        period = Special(text, first, today, startMs, now, zone);
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>, throwing <see cref="FormatException"/> with <see cref="BadRequestMessage"/>.</summary>
    public static Period Parse(string? text, TimeZoneInfo zone, long nowMs) =>
        TryParse(text, zone, nowMs, out var period) ? period : throw new FormatException(BadRequestMessage);

    private static bool TryParseRange(string text, TimeZoneInfo zone, LocalTime now, out Period? period)
    {
        period = null;
        long from, to;
        string name;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() != 2
                || !TryInstant(root[0], zone, out from) || !TryInstant(root[1], zone, out to))
            {
                return false;
            }

            // Countly keys the dashboard by the parsed array, which JavaScript stringifies as
            // "from,to": numbers as their digits, date strings without their JSON quotes.
            name = string.Concat(JsText(root[0]), ",", JsText(root[1]));
        }
        catch (JsonException)
        {
            return false;
        }

        if (from == to)
        {
            // Countly treats an empty range as that single day, labelled like "yesterday".
            period = OneDay(name, PeriodLabel.DayMonthHourMinute, LocalTime.Of(from, zone).Date, now, zone);
            return true;
        }

        if (from > to)
        {
            // Countly's getPeriodObject resets a reversed range to 30 days rather than failing.
            period = Special(name, now.Date.AddDays(-29), now.Date, null, now, zone);
            return true;
        }

        var first = LocalTime.Of(from, zone).Date;
        var last = LocalTime.Of(to, zone).Date;
        if (last.DayNumber - first.DayNumber >= MaxDays)
        {
            return false;
        }

        period = Special(name, first, last, null, now, zone);
        return true;
    }

    /// <summary>An element of the range as JavaScript's <c>String()</c> prints it inside an array (only integers and strings get here).</summary>
    private static string JsText(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();

    private static bool TryInstant(JsonElement element, TimeZoneInfo zone, out long ms)
    {
        ms = 0;
        if (element.ValueKind == JsonValueKind.Number)
        {
            if (!element.TryGetInt64(out ms))
            {
                return false;
            }

            // Newer Countly reads a 10-digit value as seconds.
            if (Math.Abs(ms) is >= 1_000_000_000 and < 10_000_000_000)
            {
                ms *= 1000;
            }

            return ms is > -62_000_000_000_000 and < 253_000_000_000_000;
        }

        // Countly also accepts "DD-MM-YYYY" and "DD-MM-YYYY HH:mm:ss", read as the app's local time.
        if (element.ValueKind == JsonValueKind.String
            && DateTime.TryParseExact(element.GetString(), ["dd-MM-yyyy HH:mm:ss", "dd-MM-yyyy", "d-M-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            ms = LocalTime.ToUnixMs(local, zone);
            return true;
        }

        return false;
    }

    private static Period OneDay(string name, PeriodLabel label, DateOnly day, LocalTime now, TimeZoneInfo zone) =>
        new(name, PeriodKind.Day, label, now, [day], [day.AddDays(-1)],
            CountlyDates.StartOfDayMs(day, zone), CountlyDates.StartOfDayMs(day.AddDays(1), zone));

    private static Period ToDate(string name, PeriodKind kind, PeriodLabel label, DateOnly first, Func<DateOnly, DateOnly> back, LocalTime now, TimeZoneInfo zone)
    {
        var current = Days(first, now.Date);
        var previous = current.Select(back).Distinct().ToArray();
        return new Period(name, kind, label, now, current, previous,
            CountlyDates.StartOfDayMs(first, zone), CountlyDates.StartOfDayMs(now.Date.AddDays(1), zone));
    }

    private static Period Special(string name, DateOnly first, DateOnly last, long? startMs, LocalTime now, TimeZoneInfo zone)
    {
        var current = Days(first, last);
        var previous = Days(first.AddDays(-current.Length), first.AddDays(-1));
        return new Period(name, PeriodKind.Special, PeriodLabel.DayMonth, now, current, previous,
            startMs ?? CountlyDates.StartOfDayMs(first, zone), CountlyDates.StartOfDayMs(last.AddDays(1), zone));
    }

    private static DateOnly[] Days(DateOnly first, DateOnly last)
    {
        var days = new DateOnly[last.DayNumber - first.DayNumber + 1];
        for (var i = 0; i < days.Length; i++)
        {
            days[i] = first.AddDays(i);
        }

        return days;
    }

    private string BuildDateRange()
    {
        var first = CurrentDays[0];
        switch (Label)
        {
            case PeriodLabel.HourMinute:
                // Modern Countly: from 00:00 to 23 plus the current minute.
                return string.Concat("00:00 - 23:", Now.Local.Minute.ToString("00", CultureInfo.InvariantCulture));
            case PeriodLabel.DayMonthHourMinute:
                var day = CountlyDates.DayMonth(first);
                return string.Concat(day, ", 00:00 - ", day, ", 23:59");
            case PeriodLabel.Month:
                return string.Concat(CountlyDates.MonthName(1), " - ", CountlyDates.MonthName(12));
            default:
                if (Kind == PeriodKind.Month)
                {
                    // "day" spans the whole calendar month (periodMin 1 .. periodMax = last day).
                    var last = new DateOnly(first.Year, first.Month, CountlyDates.DaysInMonth(first));
                    return string.Concat(CountlyDates.DayMonth(first), " - ", CountlyDates.DayMonth(last));
                }

                return string.Concat(CountlyDates.DayMonth(first), " - ", CountlyDates.DayMonth(CurrentDays[^1]));
        }
    }

    [GeneratedRegex("^([1-9][0-9]{0,6})(hours|days|weeks|months|years)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitPeriod();
}
