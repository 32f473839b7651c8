using System.Numerics;

namespace Analytics.Grains.Domain;

/// <summary>
/// Session retention counters maintained on the write path (docs/api.md, "retention").
/// A device's cohort is the day, week and month of its first session; when it begins a
/// session in bucket k (1..63) after its cohort bucket for the first time, the cohort's
/// counters move: classic <c>c.k</c> (+1), full <c>f.j</c> for each j by which the unbroken
/// run 1..j grew, unbounded <c>u.j</c> for each j up to the new latest bucket.
/// Collection <see cref="Collections.Retention"/>, year of the cohort; documents
/// <c>d{month}</c> (path <c>{day}.…</c>), <c>w</c> (path <c>{week}.…</c>), <c>m</c> (path <c>{month}.…</c>).
/// </summary>
public static class RetentionRules
{
    /// <summary>Largest offset tracked per device.</summary>
    public const int MaxOffset = 63;

    /// <summary>Week buckets per year: ceil(366 / 7) = ceil(365 / 7) = 53.</summary>
    public const int WeeksPerYear = 53;

    /// <summary>Updates the device's retention bits and writes the cohort counters for a counted session.</summary>
    public static void OnSession(DeviceState state, bool isNew, TimeZoneInfo zone, Stamp stamp)
    {
        var now = stamp.Time;
        if (isNew)
        {
            Write(stamp, Cohort.Day, now, "tu", 1);
            Write(stamp, Cohort.Week, now, "tu", 1);
            Write(stamp, Cohort.Month, now, "tu", 1);
            return;
        }

        var first = LocalTime.Of(state.FirstSeen, zone);
        var days = now.Date.DayNumber - first.Date.DayNumber;
        var weeks = WeekIndex(now) - WeekIndex(first);
        var months = ((now.Year * 12) + now.Month) - ((first.Year * 12) + first.Month);
        state.RetentionDays = Mark(stamp, Cohort.Day, first, state.RetentionDays, days);
        state.RetentionWeeks = Mark(stamp, Cohort.Week, first, state.RetentionWeeks, weeks);
        state.RetentionMonths = Mark(stamp, Cohort.Month, first, state.RetentionMonths, months);
    }

    /// <summary>The index of Countly week bucket of <paramref name="t"/> in a sequence running across years.</summary>
    public static int WeekIndex(LocalTime t) => (t.Year * WeeksPerYear) + t.Week - 1;

    private static ulong Mark(Stamp stamp, Cohort cohort, LocalTime first, ulong bits, int offset)
    {
        if (offset < 1)
        {
            return bits;
        }

        if (offset > MaxOffset)
        {
            // Not tracked itself, but a return this late is a return "on or after" every tracked
            // offset: unbounded counts it up to MaxOffset once (bit 0, no offset, remembers that).
            if ((bits & BeyondBit) != 0)
            {
                return bits;
            }

            for (var j = Latest(bits) + 1; j <= MaxOffset; j++)
            {
                Write(stamp, cohort, first, "u." + Num.S(j), 1);
            }

            return bits | BeyondBit;
        }

        var bit = 1UL << offset;
        if ((bits & bit) != 0)
        {
            return bits;
        }

        var updated = bits | bit;
        Write(stamp, cohort, first, "c." + Num.S(offset), 1);

        var runBefore = Run(bits);
        var runAfter = Run(updated);
        for (var j = runBefore + 1; j <= runAfter; j++)
        {
            Write(stamp, cohort, first, "f." + Num.S(j), 1);
        }

        for (var j = Latest(bits) + 1; j <= offset; j++)
        {
            Write(stamp, cohort, first, "u." + Num.S(j), 1);
        }

        return updated;
    }

    /// <summary>Bit 0 (offset 0 is the cohort itself): the device returned after <see cref="MaxOffset"/>.</summary>
    private const ulong BeyondBit = 1;

    /// <summary>The latest offset the device returned in (<see cref="MaxOffset"/> once it returned beyond), 0 for none.</summary>
    private static int Latest(ulong bits) => (bits & BeyondBit) != 0 ? MaxOffset : bits == 0 ? 0 : 63 - BitOperations.LeadingZeroCount(bits);

    /// <summary>Length of the unbroken run of set bits starting at bit 1.</summary>
    private static int Run(ulong bits) => BitOperations.TrailingZeroCount(~(bits >> 1));

    private static void Write(Stamp stamp, Cohort cohort, LocalTime first, string prop, decimal value)
    {
        switch (cohort)
        {
            case Cohort.Day:
                stamp.RawInYear(Collections.Retention, first.Year, "d" + Num.S(first.Month), string.Concat(Num.S(first.Day), ".", prop), value);
                break;
            case Cohort.Week:
                stamp.RawInYear(Collections.Retention, first.Year, "w", string.Concat(Num.S(first.Week), ".", prop), value);
                break;
            default:
                stamp.RawInYear(Collections.Retention, first.Year, "m", string.Concat(Num.S(first.Month), ".", prop), value);
                break;
        }
    }

    private enum Cohort
    {
        Day,
        Week,
        Month,
    }
}
