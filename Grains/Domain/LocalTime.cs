namespace Analytics.Grains.Domain;

/// <summary>
/// A request time seen in the app's time zone, with Countly's bucket numbers: unpadded
/// month/day/hour and week = ceil(dayOfYear / 7), not ISO weeks (spec §1.3).
/// </summary>
public readonly record struct LocalTime(long Ms, int Year, int Month, int Day, int Hour, int DayOfYear, DateTime Local)
{
    /// <summary>Countly's week number: ceil(dayOfYear / 7), 1..53.</summary>
    public int Week => (DayOfYear + 6) / 7;

    /// <summary>The time of Unix milliseconds <paramref name="ms"/> in <paramref name="zone"/>.</summary>
    public static LocalTime Of(long ms, TimeZoneInfo zone)
    {
        var utc = DateTime.UnixEpoch.AddMilliseconds(ms);
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        return new LocalTime(ms, local.Year, local.Month, local.Day, local.Hour, local.DayOfYear, local);
    }

    /// <summary>Unix ms of the start of this local hour (the occurrence containing this time).</summary>
    public long StartOfHourMs() => Ms - (((Local.Minute * 60L) + Local.Second) * 1000L) - Local.Millisecond;

    /// <summary>The local calendar date.</summary>
    public DateOnly Date => new(Year, Month, Day);

    /// <summary>Unix ms of local midnight of this day in <paramref name="zone"/>.</summary>
    public long StartOfDayMs(TimeZoneInfo zone) => ToUnixMs(new DateTime(Year, Month, Day, 0, 0, 0, DateTimeKind.Unspecified), zone);

    /// <summary>Unix ms of the start of this local month in <paramref name="zone"/>.</summary>
    public long StartOfMonthMs(TimeZoneInfo zone) => ToUnixMs(new DateTime(Year, Month, 1, 0, 0, 0, DateTimeKind.Unspecified), zone);

    /// <summary>Unix ms of the start of this local year in <paramref name="zone"/>.</summary>
    public long StartOfYearMs(TimeZoneInfo zone) => ToUnixMs(new DateTime(Year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), zone);

    /// <summary>
    /// Converts a local wall-clock time to Unix ms. A time skipped by a DST gap moves to the
    /// first valid instant after it; an ambiguous time takes its earlier occurrence.
    /// </summary>
    public static long ToUnixMs(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var probe = local;
        var guard = 0;
        while (zone.IsInvalidTime(probe) && guard++ < 24 * 4)
        {
            probe = probe.AddMinutes(15);
        }

        if (probe != local)
        {
            // Inside a gap: the first valid wall time after it, truncated back to its hour start.
            probe = new DateTime(probe.Year, probe.Month, probe.Day, probe.Hour, 0, 0, DateTimeKind.Unspecified);
            while (zone.IsInvalidTime(probe))
            {
                probe = probe.AddMinutes(1);
            }
        }

        TimeSpan offset;
        if (zone.IsAmbiguousTime(probe))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(probe);
            offset = offsets.Max();
        }
        else
        {
            offset = zone.GetUtcOffset(probe);
        }

        return (long)(probe - offset - DateTime.UnixEpoch).TotalMilliseconds;
    }
}
