using System.Text.Json;

namespace Analytics.Bench.Load;

/// <summary>
/// What the server must report for the requests that were answered (<c>expected.json</c>):
/// per app id and day (<c>yyyy-M-d</c> in the app's time zone) the session counters and the
/// per-event count and sum.
/// </summary>
public sealed class Expected
{
    /// <summary>Distinct devices that began a session.</summary>
    public long Devices { get; set; }

    /// <summary>Answered requests tallied (malformed included).</summary>
    public long Requests { get; set; }

    /// <summary>App id → day → counters.</summary>
    public Dictionary<string, Dictionary<string, DayCounts>> Apps { get; set; } = [];

    /// <summary>The counters of <paramref name="appId"/> on <paramref name="day"/>, created when missing.</summary>
    public DayCounts At(string appId, string day)
    {
        if (!Apps.TryGetValue(appId, out var days))
        {
            Apps[appId] = days = [];
        }

        if (!days.TryGetValue(day, out var counts))
        {
            days[day] = counts = new DayCounts();
        }

        return counts;
    }

    /// <summary>Adds <paramref name="other"/> (another round) to this.</summary>
    public void Add(Expected other)
    {
        Devices += other.Devices;
        Requests += other.Requests;
        foreach (var (app, days) in other.Apps)
        {
            foreach (var (day, c) in days)
            {
                var mine = At(app, day);
                mine.T += c.T;
                mine.N += c.N;
                mine.U += c.U;
                mine.E += c.E;
                mine.D += c.D;
                foreach (var (key, ev) in c.Events)
                {
                    var e = mine.Event(key);
                    e.C += ev.C;
                    e.S += ev.S;
                }
            }
        }
    }

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static Expected Read(string path) =>
        JsonSerializer.Deserialize<Expected>(File.ReadAllText(path), Json.Options) ?? throw new InvalidDataException(path);

    /// <summary>Writes to <paramref name="path"/>.</summary>
    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json.Options));
}
