using Analytics.Grains.Journal;
using Analytics.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace Analytics.Grains.Pipeline;

/// <summary>
/// Hands the newest states of the devices of committed segments to their buckets every few
/// seconds, so the journal can be trimmed even while devices stay active.
/// </summary>
public sealed class StateForwarder(IGrainFactory grains, TableStore tables, string journalId, StorageOptions options, ILogger logger)
    : SegmentPipeline<StateAccumulator>(logger, TimeSpan.FromMilliseconds(Math.Max(options.AggregateFlushMs, options.CheckpointMs / 2)), TimeSpan.FromMilliseconds(options.DeviceCheckpointMs))
{
    private readonly Dictionary<(string AppId, int Bucket), string> _keys = [];

    /// <inheritdoc />
    protected override string JournalId => journalId;

    /// <inheritdoc />
    protected override StateAccumulator NewAccumulator() => new();

    /// <inheritdoc />
    protected override void Route(JournalEntry entry, Func<string, StateAccumulator?> accumulatorFor)
    {
        if (entry.StateAfter is not { } state)
        {
            return;
        }

        // The key string of each (app, bucket) is built once, not once per request.
        var appId = entry.Request.AppId;
        var bucket = DeviceBuckets.IndexOf(entry.Request.DeviceId, options.DeviceBuckets);
        ref var key = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_keys, (appId, bucket), out _);
        key ??= DeviceBuckets.KeyOf(appId, bucket);
        accumulatorFor(key)?.Put(entry.Request.DeviceId, entry.Seq, state);
    }

    /// <summary>
    /// Which entries <see cref="Route"/> sends to device bucket <paramref name="bucketKey"/>
    /// (<see cref="DeviceBuckets.KeyOf(string, int)"/>; any thread; no key built per entry).
    /// </summary>
    public Func<JournalEntry, bool> RoutesTo(string bucketKey)
    {
        var colon = bucketKey.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(bucketKey.AsSpan(colon + 1), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var bucket))
        {
            throw new ArgumentException($"Not a device bucket key: {bucketKey}", nameof(bucketKey));
        }

        var appId = bucketKey[..colon];
        return entry => entry.StateAfter is not null
            && string.Equals(entry.Request.AppId, appId, StringComparison.Ordinal)
            && DeviceBuckets.IndexOf(entry.Request.DeviceId, options.DeviceBuckets) == bucket;
    }

    /// <inheritdoc />
    protected override Task<CounterAck> SendAsync(string target, long from, long to, StateAccumulator accumulator) =>
        grains.GetGrain<IDeviceBucketGrain>(target).PutAsync(accumulator.ToBatch(journalId, from, to));

    /// <inheritdoc />
    protected override Task<long> FlushTargetAsync(string target) => grains.GetGrain<IDeviceBucketGrain>(target).FlushAsync(journalId);

    /// <inheritdoc />
    protected override async Task<StateAccumulator> RebuildAsync(string target, long from, long to)
    {
        var table = await tables.JournalAsync().ConfigureAwait(false);
        var segments = await JournalReplay.ReadAsync(table, journalId, from, to).ConfigureAwait(false);
        return RouteOnly(target, segments.SelectMany(s => s.Entries));
    }

    /// <inheritdoc />
    protected override StateAccumulator Merge(StateAccumulator older, StateAccumulator newer)
    {
        older.Merge(newer);
        return older;
    }

    /// <inheritdoc />
    public override Task<long> WatermarkOfAsync(string target) => grains.GetGrain<IDeviceBucketGrain>(target).GetWatermarkAsync(journalId);
}
