using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Analytics.Grains.Storage;

namespace Analytics.Grains.Hosting;

/// <summary>
/// Counts incoming grain calls by grain type (<c>analytics.grain.calls</c>, tag <c>grain</c>):
/// the per-grain call rates that show whether one grain (a hot app's counter or bucket grain)
/// is becoming the bottleneck. A dictionary lookup and a counter add per call; the tag is
/// built once per grain type.
/// </summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter
{
    private static readonly Meter Meter = new(TableStore.MeterName);
    private static readonly Counter<long> Calls = Meter.CreateCounter<long>("analytics.grain.calls", description: "Grain calls received, by grain type");
    private static readonly ConcurrentDictionary<GrainType, KeyValuePair<string, object?>> Tags = new();

    /// <inheritdoc />
    public Task Invoke(IIncomingGrainCallContext context)
    {
        var type = context.TargetId.Type;
        if (!Tags.TryGetValue(type, out var tag))
        {
            tag = Tags.GetOrAdd(type, t => new KeyValuePair<string, object?>("grain", t.ToString()));
        }

        Calls.Add(1, tag);
        return context.Invoke();
    }
}
