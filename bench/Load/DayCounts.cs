namespace Analytics.Bench.Load;

/// <summary>One app's expected numbers for one day: Countly's <c>t n u e d</c> and events.</summary>
public sealed class DayCounts
{
    /// <summary>Sessions.</summary>
    public long T { get; set; }

    /// <summary>New users.</summary>
    public long N { get; set; }

    /// <summary>Unique users (distinct devices with a session that day).</summary>
    public long U { get; set; }

    /// <summary>Requests (events count).</summary>
    public long E { get; set; }

    /// <summary>Total duration, seconds.</summary>
    public long D { get; set; }

    /// <summary>Event key → count and sum.</summary>
    public Dictionary<string, EventCounts> Events { get; set; } = [];

    /// <summary>The counts of event <paramref name="key"/>, created when missing.</summary>
    public EventCounts Event(string key)
    {
        if (!Events.TryGetValue(key, out var e))
        {
            Events[key] = e = new EventCounts();
        }

        return e;
    }
}
