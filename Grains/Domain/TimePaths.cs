namespace Analytics.Grains.Domain;

/// <summary>
/// The counter paths every request writes, built once: <c>"27.e"</c>, <c>"27.13.e"</c>,
/// <c>"11.u"</c>, <c>"w48.u"</c> for the props that are the same for every app (the users
/// collection's <c>t n u e d</c>, an event's <c>c s dur</c>). Any other prop is concatenated as
/// before. Each request used to allocate these strings anew, and they stayed alive in the journal
/// until their segment was delivered (docs/performance.md, "Allocations per request"); one
/// shared instance per path also lets the aggregator's lookups compare by reference.
/// </summary>
public static class TimePaths
{
    private static readonly string[] Props = ["t", "n", "u", "e", "d", "c", "s", "dur"];

    // [day 0..31][prop], [day][hour 0..23][prop], [month 0..12][prop], [week 0..53][prop]
    private static readonly string[][] DayPaths = Table(32, d => Num.S(d) + ".");
    private static readonly string[][][] HourPaths = [.. Enumerable.Range(0, 32).Select(d => Table(24, h => string.Concat(Num.S(d), ".", Num.S(h), ".")))];
    private static readonly string[][] MonthPaths = Table(13, m => Num.S(m) + ".");
    private static readonly string[][] WeekPaths = Table(54, w => Num.Week(w) + ".");

    /// <summary><c>day.prop</c>.</summary>
    public static string Day(int day, string prop) =>
        Index(prop) is var p && p >= 0 && (uint)day < DayPaths.Length ? DayPaths[day][p] : string.Concat(Num.S(day), ".", prop);

    /// <summary><c>day.hour.prop</c>.</summary>
    public static string Hour(int day, int hour, string prop) =>
        Index(prop) is var p && p >= 0 && (uint)day < HourPaths.Length && (uint)hour < 24 ? HourPaths[day][hour][p] : string.Concat(Num.S(day), ".", Num.S(hour), ".", prop);

    /// <summary><c>month.prop</c> (zero document, month level).</summary>
    public static string Month(int month, string prop) =>
        Index(prop) is var p && p >= 0 && (uint)month < MonthPaths.Length ? MonthPaths[month][p] : string.Concat(Num.S(month), ".", prop);

    /// <summary><c>wN.prop</c> (zero document, week level).</summary>
    public static string Week(int week, string prop) =>
        Index(prop) is var p && p >= 0 && (uint)week < WeekPaths.Length ? WeekPaths[week][p] : string.Concat(Num.Week(week), ".", prop);

    private static int Index(string prop) => prop switch
    {
        { Length: 1 } => prop[0] switch
        {
            't' => 0,
            'n' => 1,
            'u' => 2,
            'e' => 3,
            'd' => 4,
            'c' => 5,
            's' => 6,
            _ => -1,
        },
        "dur" => 7,
        _ => -1,
    };

    private static string[][] Table(int count, Func<int, string> prefix) =>
        [.. Enumerable.Range(0, count).Select(i => Props.Select(p => prefix(i) + p).ToArray())];
}
