using System.Globalization;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Output;

/// <summary>
/// Calendar helpers in Countly's terms: unpadded <c>YYYY.M.D</c> keys, weeks of
/// ceil(dayOfYear / 7) that restart on 1 January (not ISO weeks), English month abbreviations.
/// </summary>
internal static class CountlyDates
{
    private static readonly string[] MonthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary><c>MMM</c> of month 1..12.</summary>
    public static string MonthName(int month) => MonthNames[month - 1];

    /// <summary><c>D MMM</c>.</summary>
    public static string DayMonth(DateOnly day) => string.Concat(Num.S(day.Day), " ", MonthNames[day.Month - 1]);

    /// <summary>The time-object path of a day, <c>YYYY.M.D</c>.</summary>
    public static string DayKey(DateOnly day) => string.Concat(Year(day.Year), ".", Num.S(day.Month), ".", Num.S(day.Day));

    /// <summary>The time-object path of a month, <c>YYYY.M</c>.</summary>
    public static string MonthKey(int year, int month) => string.Concat(Year(year), ".", Num.S(month));

    /// <summary>The time-object path of the Countly week containing <paramref name="day"/>, <c>YYYY.wN</c>.</summary>
    public static string WeekKey(DateOnly day) => string.Concat(Year(day.Year), ".", Num.Week(Week(day)));

    /// <summary>The year as an unpadded string.</summary>
    public static string Year(int year) => year.ToString(CultureInfo.InvariantCulture);

    /// <summary>Countly's week number: ceil(dayOfYear / 7).</summary>
    public static int Week(DateOnly day) => (day.DayOfYear + 6) / 7;

    /// <summary>Whether <paramref name="day"/> is the first day of its Countly week.</summary>
    public static bool IsWeekStart(DateOnly day) => (day.DayOfYear - 1) % 7 == 0;

    /// <summary>Days in the Countly week that starts at <paramref name="weekStart"/> (week 53 has one or two).</summary>
    public static int WeekLength(DateOnly weekStart) => Math.Min(7, DaysInYear(weekStart.Year) - weekStart.DayOfYear + 1);

    /// <summary>The first day of the Countly week after the one containing <paramref name="day"/>.</summary>
    public static DateOnly NextWeekStart(DateOnly day)
    {
        var nextStart = (Week(day) * 7) + 1;
        return nextStart > DaysInYear(day.Year) ? new DateOnly(day.Year + 1, 1, 1) : new DateOnly(day.Year, 1, 1).AddDays(nextStart - 1);
    }

    /// <summary>Days in the month of <paramref name="day"/>.</summary>
    public static int DaysInMonth(DateOnly day) => DateTime.DaysInMonth(day.Year, day.Month);

    /// <summary>Unix ms of local midnight starting <paramref name="day"/> in <paramref name="zone"/> (DST-aware).</summary>
    public static long StartOfDayMs(DateOnly day, TimeZoneInfo zone) =>
        LocalTime.ToUnixMs(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);

    private static int DaysInYear(int year) => DateTime.IsLeapYear(year) ? 366 : 365;
}
