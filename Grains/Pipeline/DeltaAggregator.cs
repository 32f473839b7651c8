using Analytics.Grains.Counters;
using Analytics.Grains.Journal;
using Analytics.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace Analytics.Grains.Pipeline;

/// <summary>
/// Per-silo pre-aggregation of counter increments (DESIGN.md: "no single hot grain per app"):
/// the increments of committed segments are summed per counter grain and sent every
/// <see cref="StorageOptions.AggregateFlushMs"/>, so a counter grain gets a few calls per second
/// from each silo however hot its app is.
/// </summary>
public sealed class DeltaAggregator(IGrainFactory grains, TableStore tables, string journalId, StorageOptions options, ILogger logger)
    : SegmentPipeline<CounterAccumulator>(logger, TimeSpan.FromMilliseconds(options.AggregateFlushMs), TimeSpan.FromMilliseconds(options.CheckpointMs))
{
    private readonly Dictionary<(string AppId, int Year, string Collection), string> _keys = [];

    /// <inheritdoc />
    protected override string JournalId => journalId;

    /// <inheritdoc />
    protected override CounterAccumulator NewAccumulator() => new();

    /// <inheritdoc />
    protected override void Route(JournalEntry entry, Func<string, CounterAccumulator?> accumulatorFor)
    {
        if (entry.Increments is not { } inc)
        {
            return;
        }

        var appId = entry.Request.AppId;
        var epoch = entry.Request.Epoch;
        string? lastKey = null;
        CounterAccumulator? acc = null;

        // A request's increments come in runs of one collection and year (a begin_session writes
        // about 75): the key lookup, which hashes the app id and collection, runs once per run.
        string? lastCollection = null;
        var lastYear = 0;
        foreach (var item in inc.Items)
        {
            if (!ReferenceEquals(item.Collection, lastCollection) || item.Year != lastYear)
            {
                var key = KeyOf(appId, item.Year, item.Collection);
                (lastCollection, lastYear) = (item.Collection, item.Year);
                if (!ReferenceEquals(key, lastKey))
                {
                    acc = Admitted(accumulatorFor(key), epoch);
                    lastKey = key;
                }
            }

            acc?.Add(item.Doc, item.Path, item.Value);
        }

        foreach (var meta in inc.MetaItems)
        {
            var key = KeyOf(appId, meta.Year, meta.Collection);
            if (!ReferenceEquals(key, lastKey))
            {
                acc = Admitted(accumulatorFor(key), epoch);
                lastKey = key;
            }

            acc?.AddMeta(meta.Set, meta.Value);
        }
    }

    /// <inheritdoc />
    protected override Task<CounterAck> SendAsync(string target, long from, long to, CounterAccumulator accumulator) =>
        grains.GetGrain<ICounterGrain>(target).ApplyAsync(accumulator.ToBatch(journalId, from, to));

    /// <inheritdoc />
    protected override Task<long> FlushTargetAsync(string target) => grains.GetGrain<ICounterGrain>(target).FlushAsync(journalId);

    /// <inheritdoc />
    protected override async Task<CounterAccumulator> RebuildAsync(string target, long from, long to)
    {
        var table = await tables.JournalAsync().ConfigureAwait(false);
        var segments = await JournalReplay.ReadAsync(table, journalId, from, to).ConfigureAwait(false);
        return RouteOnly(target, segments.SelectMany(s => s.Entries));
    }

    /// <inheritdoc />
    protected override CounterAccumulator Merge(CounterAccumulator older, CounterAccumulator newer)
    {
        older.Merge(newer);
        return older;
    }

    /// <inheritdoc />
    public override Task<long> WatermarkOfAsync(string target) => grains.GetGrain<ICounterGrain>(target).GetWatermarkAsync(journalId);

    private static CounterAccumulator? Admitted(CounterAccumulator? accumulator, int epoch) =>
        accumulator is not null && accumulator.Admit(epoch) ? accumulator : null;

    private string KeyOf(string appId, int year, string collection)
    {
        if (!_keys.TryGetValue((appId, year, collection), out var key))
        {
            key = new CounterKey(appId, year, collection).ToString();
            _keys[(appId, year, collection)] = key;
        }

        return key;
    }
}
