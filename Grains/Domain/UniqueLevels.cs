namespace Analytics.Grains.Domain;

/// <summary>The levels at which a returning user counts as unique for a new session (spec §1.6).</summary>
[Flags]
public enum UniqueLevels
{
    /// <summary>Unique nowhere.</summary>
    None = 0,
    /// <summary>Last session before this hour.</summary>
    Hour = 1,
    /// <summary>Last session before this day.</summary>
    Day = 2,
    /// <summary>Last session in an earlier week of the same year.</summary>
    Week = 4,
    /// <summary>Last session before this month.</summary>
    Month = 8,
    /// <summary>Last session before this year.</summary>
    Year = 16,
}

/// <summary>Computes <see cref="UniqueLevels"/>.</summary>
public static class Uniques
{
    /// <summary>
    /// Levels at which a user last seen at <paramref name="lastSeenMs"/> is unique for a
    /// session at <paramref name="nowMs"/>, both seen in <paramref name="zone"/>.
    /// </summary>
    public static UniqueLevels Of(long lastSeenMs, long nowMs, TimeZoneInfo zone)
    {
        var now = LocalTime.Of(nowMs, zone);
        var last = LocalTime.Of(lastSeenMs, zone);
        var levels = UniqueLevels.None;
        if (lastSeenMs < now.StartOfHourMs())
        {
            levels |= UniqueLevels.Hour;
        }

        if (lastSeenMs < now.StartOfDayMs(zone))
        {
            levels |= UniqueLevels.Day;
        }

        // Countly: a user last seen in a previous year is not unique for this week.
        if (last.Year == now.Year && last.Week < now.Week)
        {
            levels |= UniqueLevels.Week;
        }

        if (lastSeenMs < now.StartOfMonthMs(zone))
        {
            levels |= UniqueLevels.Month;
        }

        if (lastSeenMs < now.StartOfYearMs(zone))
        {
            levels |= UniqueLevels.Year;
        }

        return levels;
    }
}
