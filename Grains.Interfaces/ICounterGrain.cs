using Orleans.Concurrency;

namespace Analytics.Grains;

/// <summary>
/// Time-bucketed counters of one collection of one app for one year (key
/// <c>{appId}|{year}|{collection}</c>): Countly's zero and month documents, held in memory
/// and written to Table Storage in batches.
/// </summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Applies a pre-aggregated batch (exactly once per journal range).</summary>
    Task<CounterAck> ApplyAsync(CounterBatch batch);

    /// <summary>
    /// Reads documents <paramref name="docs"/> (all documents when null) and the meta sets. It
    /// interleaves with everything, so a dashboard read never waits behind a checkpoint's Table
    /// write; it copies in-memory state in one synchronous turn and changes nothing.
    /// <paramref name="docs"/> is <c>[Immutable]</c> for the reason given on
    /// <see cref="IDeviceGrain.IngestManyAsync"/>: no copier built per reference.
    /// </summary>
    [AlwaysInterleave]
    Task<CounterSnapshot> ReadAsync([Immutable] string[]? docs);

    /// <summary>Writes dirty documents now and returns the durable watermark of <paramref name="journalId"/>.</summary>
    Task<long> FlushAsync(string journalId);

    /// <summary>Returns the in-memory watermark of <paramref name="journalId"/> (0 when never seen).</summary>
    [ReadOnly]
    Task<long> GetWatermarkAsync(string journalId);

    /// <summary>Deletes every document and meta set (app reset or delete); batches of an epoch before <paramref name="epoch"/> arriving later are dropped.</summary>
    Task ClearAsync(int epoch);
}
