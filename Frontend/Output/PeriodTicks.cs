namespace Analytics.Frontend.Output;

/// <summary>
/// Countly's unique-user estimate buckets of a special period (<c>getTicksBetween</c> and
/// <c>getTicksCheckBetween</c>): uniques cannot be summed over days, so the range is covered by
/// whole months, then whole weeks, then single days, and the sum is capped by a coarser cover.
/// Countly tests its week ticks with moment's locale weeks while storing ceil(dayOfYear / 7)
/// weeks; here both use the stored weeks so that a week tick always names a stored bucket.
/// </summary>
internal static class PeriodTicks
{
    /// <summary>Month, week and day paths that exactly cover <paramref name="first"/>..<paramref name="last"/>.</summary>
    public static IReadOnlyList<string> Exact(DateOnly first, DateOnly last)
    {
        var ticks = new List<string>();
        var day = first;
        while (day <= last)
        {
            var daysLeft = last.DayNumber - day.DayNumber + 1;
            var daysInMonth = CountlyDates.DaysInMonth(day);
            if (day.Day == 1 && daysLeft >= daysInMonth)
            {
                ticks.Add(CountlyDates.MonthKey(day.Year, day.Month));
                day = day.AddDays(daysInMonth);
            }
            else if (CountlyDates.IsWeekStart(day) && daysLeft >= CountlyDates.WeekLength(day))
            {
                ticks.Add(CountlyDates.WeekKey(day));
                day = day.AddDays(CountlyDates.WeekLength(day));
            }
            else
            {
                ticks.Add(CountlyDates.DayKey(day));
                day = day.AddDays(1);
            }
        }

        return ticks;
    }

    /// <summary>Month and week paths that cover the range generously (Countly's upper bound for the estimate).</summary>
    public static IReadOnlyList<string> Check(DateOnly first, DateOnly last)
    {
        var ticks = new List<string>();
        var day = first;
        while (day <= last)
        {
            var daysLeft = last.DayNumber - day.DayNumber + 1;
            var daysInMonth = CountlyDates.DaysInMonth(day);
            if (daysLeft >= (daysInMonth * 0.5) - day.Day)
            {
                ticks.Add(CountlyDates.MonthKey(day.Year, day.Month));
                day = day.AddDays(1 + daysInMonth - day.Day);
            }
            else
            {
                ticks.Add(CountlyDates.WeekKey(day));
                day = CountlyDates.NextWeekStart(day);
            }
        }

        return ticks;
    }
}
