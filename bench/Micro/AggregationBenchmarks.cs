using Analytics.Grains;
using Analytics.Grains.Domain;
using Analytics.Grains.Pipeline;
using BenchmarkDotNet.Attributes;

namespace Analytics.Bench.Micro;

/// <summary>
/// Pre-aggregation (<see cref="CounterAccumulator"/>, what <c>DeltaAggregator</c> does per
/// committed request): the counter increments and meta values of a whole SDK session (six
/// requests, as the session rules write them) summed into one accumulator per collection.
/// </summary>
[MemoryDiagnoser]
public class AggregationBenchmarks
{
    private readonly SessionRulesBenchmarks _rules = new();
    private (string Collection, int Year, string Doc, string Path, decimal Value)[] _added = [];
    private (string Collection, int Year, string Set, string Value)[] _metas = [];
    private Dictionary<string, CounterAccumulator> _accumulators = [];

    /// <summary>Collects a whole session's increments once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _rules.Setup();
        var sink = new CollectingSink();
        _rules.Whole_session(sink);
        _added = [.. sink.Added];
        _metas = [.. sink.Metas];
        _accumulators = _added.Select(a => a.Collection).Concat(_metas.Select(m => m.Collection)).Distinct().ToDictionary(c => c, _ => new CounterAccumulator());
    }

    /// <summary>
    /// One session's increments (about 120) and meta values routed into the accumulators, which
    /// keep growing across iterations as they do between two flushes (the same counters, so
    /// the dictionaries stop growing after the first).
    /// </summary>
    [Benchmark]
    public int Whole_session_accumulated()
    {
        CounterAccumulator? acc = null;
        string? last = null;
        foreach (var (collection, _, doc, path, value) in _added)
        {
            if (!ReferenceEquals(collection, last))
            {
                (acc, last) = (_accumulators[collection], collection);
            }

            acc!.Add(doc, path, value);
        }

        foreach (var (collection, _, set, value) in _metas)
        {
            _accumulators[collection].AddMeta(set, value);
        }

        return _added.Length;
    }
}
