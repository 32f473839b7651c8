namespace Analytics.Grains.Domain;

/// <summary>
/// Keeps, per app, how many devices have their last session on each day (and per country),
/// so "users whose last session is in a period ending now" is a sum over days instead of a
/// scan of devices. Collection <see cref="Collections.LastSeen"/>: document = month, path
/// <c>{day}</c> and <c>{day}.{country}</c>.
/// </summary>
public static class LastSeenIndex
{
    /// <summary>Moves a device from the day (and country) of its previous last session to the current one.</summary>
    public static void Move(DeviceState state, bool isNew, long previousSeen, string? previousCountry, string country, TimeZoneInfo zone, Stamp stamp)
    {
        var now = stamp.Time;
        if (!isNew)
        {
            if (stamp.Time.Ms < previousSeen)
            {
                // A session in the past does not move the last-seen day back (ls never decreases);
                // only a country change on the same record is reflected.
                if (!string.Equals(previousCountry, country, StringComparison.Ordinal))
                {
                    var prev = LocalTime.Of(previousSeen, zone);
                    Add(stamp, prev, previousCountry ?? "Unknown", -1, countryOnly: true);
                    Add(stamp, prev, country, 1, countryOnly: true);
                }

                return;
            }

            var old = LocalTime.Of(previousSeen, zone);
            if (old.Date == now.Date && string.Equals(previousCountry, country, StringComparison.Ordinal))
            {
                return;
            }

            Add(stamp, old, previousCountry ?? "Unknown", -1, countryOnly: false);
        }

        Add(stamp, now, country, 1, countryOnly: false);
    }

    /// <summary>Adds <paramref name="delta"/> at the device's last-seen day and country; nothing for a device that never began a session.</summary>
    public static void Count(DeviceState state, int delta, TimeZoneInfo zone, ICounterSink sink)
    {
        if (!state.HasBegun)
        {
            return;
        }

        var day = LocalTime.Of(state.LastSeen, zone);
        Add(new Stamp(sink, day), day, state.Country ?? "Unknown", delta, countryOnly: false);
    }

    private static void Add(Stamp stamp, LocalTime day, string country, int delta, bool countryOnly)
    {
        var doc = Num.S(day.Month);
        var dayKey = Num.S(day.Day);
        if (!countryOnly)
        {
            stamp.RawInYear(Collections.LastSeen, day.Year, doc, dayKey, delta);
        }

        stamp.RawInYear(Collections.LastSeen, day.Year, doc, string.Concat(dayKey, ".", country), delta);
    }
}
