using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Analytics.Grains.Storage;

namespace Analytics.Grains.Hosting;

/// <summary>
/// Counts incoming grain calls by grain type (<c>analytics.grain.calls</c>, tag <c>grain</c>):
/// the per-grain call rates that show whether one grain (a hot app's counter or bucket grain)
/// is becoming the bottleneck. A dictionary lookup and an interlocked increment per call; the
/// totals are observed when a metrics reader collects, not pushed through the meter per call
/// (a counter's <c>Add</c> with a tag goes through each listener's tag lookup every time).
/// </summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private static readonly Meter Meter = new(TableStore.MeterName);
    private static readonly ConcurrentDictionary<GrainType, Total> Totals = new();

    // Created after Totals (static initialisers run in order), which its callback reads.
    private static readonly ObservableCounter<long> Calls = Meter.CreateObservableCounter(
        "analytics.grain.calls", Observe, description: "Grain calls received, by grain type");

    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var type = context.TargetId.Type;
        if (!Totals.TryGetValue(type, out var total))
        {
            total = Totals.GetOrAdd(type, t => new Total(new KeyValuePair<string, object?>("grain", t.ToString())));
        }

        Interlocked.Increment(ref total.Count);
        return context.Invoke();
    }

    private static IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (_, total) in Totals)
        {
            yield return new Measurement<long>(Interlocked.Read(ref total.Count), total.Tag);
        }
    }

    private sealed class Total(KeyValuePair<string, object?> tag)
    {
        public readonly KeyValuePair<string, object?> Tag = tag;
        public long Count;
    }
}
