namespace Analytics.Grains.Domain;

/// <summary>
/// Writes Countly-style increments for one moment: "M+" (month document, day level and,
/// for undotted keys, hour level) and "Z+" (zero document, year, month and week levels).
/// </summary>
public readonly struct Stamp
{
    private readonly ICounterSink _sink;
    private readonly string _monthDoc;

    /// <summary>Creates a stamp for local time <paramref name="time"/>.</summary>
    public Stamp(ICounterSink sink, LocalTime time)
    {
        _sink = sink;
        Time = time;
        _monthDoc = Num.S(time.Month);
    }

    /// <summary>The local time.</summary>
    public LocalTime Time { get; }

    /// <summary>M+ for <paramref name="prop"/>: day level, plus hour level when the key has no dot.</summary>
    public void Month(string collection, string prop, decimal value = 1)
    {
        _sink.Add(collection, Time.Year, _monthDoc, TimePaths.Day(Time.Day, prop), value);
        if (!prop.Contains('.'))
        {
            _sink.Add(collection, Time.Year, _monthDoc, TimePaths.Hour(Time.Day, Time.Hour, prop), value);
        }
    }

    /// <summary>Day level only.</summary>
    public void Day(string collection, string prop, decimal value = 1) =>
        _sink.Add(collection, Time.Year, _monthDoc, TimePaths.Day(Time.Day, prop), value);

    /// <summary>Hour level only.</summary>
    public void Hour(string collection, string prop, decimal value = 1) =>
        _sink.Add(collection, Time.Year, _monthDoc, TimePaths.Hour(Time.Day, Time.Hour, prop), value);

    /// <summary>Z+ at year level.</summary>
    public void Year(string collection, string prop, decimal value = 1) =>
        _sink.Add(collection, Time.Year, "0", prop, value);

    /// <summary>Z+ at month level.</summary>
    public void MonthLevel(string collection, string prop, decimal value = 1) =>
        _sink.Add(collection, Time.Year, "0", TimePaths.Month(Time.Month, prop), value);

    /// <summary>Z+ at week level.</summary>
    public void WeekLevel(string collection, string prop, decimal value = 1) =>
        _sink.Add(collection, Time.Year, "0", TimePaths.Week(Time.Week, prop), value);

    /// <summary>Z+ at year, month and week level.</summary>
    public void Zero(string collection, string prop, decimal value = 1)
    {
        Year(collection, prop, value);
        MonthLevel(collection, prop, value);
        WeekLevel(collection, prop, value);
    }

    /// <summary>Adds <paramref name="value"/> to meta set <paramref name="set"/> of this year.</summary>
    public void Meta(string collection, string set, string value) => _sink.Meta(collection, Time.Year, set, value);

    /// <summary>Adds a counter in a document of this year other than the standard ones (events, retention).</summary>
    public void Raw(string collection, string doc, string path, decimal value) => _sink.Add(collection, Time.Year, doc, path, value);

    /// <summary>Adds a counter in a document of another year (a bucket that belongs to an earlier moment).</summary>
    public void RawInYear(string collection, int year, string doc, string path, decimal value) => _sink.Add(collection, year, doc, path, value);
}
