namespace Analytics.Grains.Domain;

/// <summary>
/// Keeps, per app, how many devices have their last session on each day (and per country, and
/// per value of the metrics Countly's <c>total_users</c> groups by), so "users whose last session
/// is in a period ending now" is a sum over days instead of a scan of devices. Collection
/// <see cref="Collections.LastSeen"/>: document = month, path <c>{day}</c>, <c>{day}.{country}</c>
/// and <c>{day}.{metric}.{value}</c> (<see cref="MetricCodes"/>).
/// </summary>
public static class LastSeenIndex
{
    /// <summary>The metrics counted per value, by <see cref="MetricCatalog"/> index, with the code in their paths (Countly's app_users short codes).</summary>
    public static readonly IReadOnlyList<(int Index, string Code)> MetricCodes =
        [(0, "p"), (1, "pv"), (2, "d"), (3, "r"), (4, "c"), (5, "av")];

    /// <summary>The code of the city in paths (Countly's <c>cty</c>).</summary>
    public const string CityCode = "cty";

    /// <summary>Countly's <c>total_users</c> metric names, each with the code its values have in the paths.</summary>
    public static readonly IReadOnlyDictionary<string, string> CodeOfMetric = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["os"] = "p",
        ["platforms"] = "p",
        ["os_versions"] = "pv",
        ["devices"] = "d",
        ["resolutions"] = "r",
        ["carriers"] = "c",
        ["app_versions"] = "av",
        ["cities"] = CityCode,
    };

    /// <summary>The values a device is counted under: its metric values and its city (each with its code).</summary>
    public static List<(string Code, string Value)> ValuesOf(IReadOnlyList<string?> metricValues, string? city)
    {
        var values = new List<(string, string)>(MetricCodes.Count + 1);
        foreach (var (index, code) in MetricCodes)
        {
            if (metricValues[index] is { Length: > 0 } v)
            {
                values.Add((code, v));
            }
        }

        if (city is { Length: > 0 } c && c != "Unknown")
        {
            values.Add((CityCode, c));
        }

        return values;
    }

    /// <summary>
    /// Moves a device from the day, country and values of its previous last session to the
    /// current ones. <paramref name="previousValues"/> and <paramref name="values"/> are
    /// <see cref="ValuesOf"/> before and after this request.
    /// </summary>
    public static void Move(DeviceState state, bool isNew, long previousSeen, string? previousCountry, string country, List<(string Code, string Value)> previousValues, List<(string Code, string Value)> values, TimeZoneInfo zone, Stamp stamp)
    {
        var now = stamp.Time;
        if (!isNew)
        {
            var old = LocalTime.Of(previousSeen, zone);
            if (stamp.Time.Ms < previousSeen)
            {
                // A session in the past does not move the last-seen day back (ls never decreases);
                // only a country or value change on the same record is reflected.
                if (!string.Equals(previousCountry, country, StringComparison.Ordinal))
                {
                    Add(stamp, old, previousCountry ?? "Unknown", -1, countryOnly: true);
                    Add(stamp, old, country, 1, countryOnly: true);
                }

                MoveValues(stamp, old, previousValues, old, values);
                return;
            }

            if (old.Date == now.Date && string.Equals(previousCountry, country, StringComparison.Ordinal))
            {
                MoveValues(stamp, old, previousValues, now, values);
                return;
            }

            Add(stamp, old, previousCountry ?? "Unknown", -1, countryOnly: false);
            AddValues(stamp, old, previousValues, -1);
        }

        Add(stamp, now, country, 1, countryOnly: false);
        AddValues(stamp, now, values, 1);
    }

    /// <summary>A device's values changed without a session (metrics on another request): moved at its last-seen day.</summary>
    public static void MoveValues(DeviceState state, List<(string Code, string Value)> previousValues, List<(string Code, string Value)> values, TimeZoneInfo zone, ICounterSink sink)
    {
        if (!state.HasBegun)
        {
            return;
        }

        var day = LocalTime.Of(state.LastSeen, zone);
        MoveValues(new Stamp(sink, day), day, previousValues, day, values);
    }

    /// <summary>Adds <paramref name="delta"/> at the device's last-seen day, country and values; nothing for a device that never began a session.</summary>
    public static void Count(DeviceState state, int delta, TimeZoneInfo zone, ICounterSink sink)
    {
        if (!state.HasBegun)
        {
            return;
        }

        var day = LocalTime.Of(state.LastSeen, zone);
        var stamp = new Stamp(sink, day);
        Add(stamp, day, state.Country ?? "Unknown", delta, countryOnly: false);
        AddValues(stamp, day, ValuesOf(state.MetricValues, state.City), delta);
    }

    private static void MoveValues(Stamp stamp, LocalTime from, List<(string Code, string Value)> previousValues, LocalTime to, List<(string Code, string Value)> values)
    {
        foreach (var (code, value) in previousValues)
        {
            if (from.Date != to.Date || !values.Contains((code, value)))
            {
                AddValue(stamp, from, code, value, -1);
            }
        }

        foreach (var (code, value) in values)
        {
            if (from.Date != to.Date || !previousValues.Contains((code, value)))
            {
                AddValue(stamp, to, code, value, 1);
            }
        }
    }

    private static void AddValues(Stamp stamp, LocalTime day, List<(string Code, string Value)> values, int delta)
    {
        foreach (var (code, value) in values)
        {
            AddValue(stamp, day, code, value, delta);
        }
    }

    private static void AddValue(Stamp stamp, LocalTime day, string code, string value, int delta) =>
        stamp.RawInYear(Collections.LastSeen, day.Year, Num.S(day.Month), string.Concat(Num.S(day.Day), ".", code, ".", value), delta);

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
