namespace Analytics.Grains.Storage;

/// <summary>Configuration section <c>Analytics:Storage</c>: where and how state is written.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Analytics:Storage";

    /// <summary>Azure Table Storage connection string (Azure or Azurite).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Prefix of every table name, so several deployments can share one account.</summary>
    public string TablePrefix { get; set; } = "analytics";

    /// <summary>
    /// Shortest time, ms, between two journal segment cuts while requests keep arriving (an idle
    /// journal writes a lone request at once). Every cut is a Table transaction and every
    /// millisecond of it is latency of <c>/i</c> under load: docs/performance.md.
    /// </summary>
    public int JournalFlushMs { get; set; } = 30;

    /// <summary>Records after which a segment is cut without waiting out <see cref="JournalFlushMs"/> (busy silos: lower latency, same transactions per request).</summary>
    public int JournalSegmentRecords { get; set; } = 200;

    /// <summary>
    /// Segment writes that may be in flight at once. With one, records gather while a write is in
    /// flight (group commit): segments grow with storage latency instead of writes piling up.
    /// </summary>
    public int JournalConcurrency { get; set; } = 1;

    /// <summary>Most records the journal holds that are not yet durable; beyond it requests get 503.</summary>
    public int JournalMaxPendingRecords { get; set; } = 200_000;

    /// <summary>Most bytes the journal holds that are not yet durable; beyond it requests get 503.</summary>
    public long JournalMaxPendingBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Whether <c>/i</c> answers only once the request is durable in the journal (default). When
    /// false the answer comes as soon as the request is applied and queued for the journal, as
    /// Countly does; a crash may then lose the last few milliseconds of acknowledged requests.
    /// </summary>
    public bool DurableAcks { get; set; } = true;

    /// <summary>
    /// With <see cref="DurableAcks"/> off: the most journal records that may be acknowledged
    /// while not yet durable. Beyond it a request waits for its segment as with durable acks,
    /// which bounds both what a crash can lose and how far acceptance runs ahead of storage.
    /// </summary>
    public int AckAheadRecords { get; set; } = 5_000;

    /// <summary>
    /// Whether a frontend co-hosted with the device grain's silo waits for the request's journal
    /// segment itself (the grain answers right after the append) instead of the grain waiting in
    /// its turn. Same durability guarantee, less CPU per request (docs/write-path.md); off only
    /// to measure the difference, and for a rolling upgrade from a version without it: off, the
    /// frontend calls only <c>IDeviceGrain.IngestAsync</c>, which older silos serve too.
    /// </summary>
    public bool WaitOutsideGrain { get; set; } = true;

    /// <summary>How long a request waits for its segment before it is answered 503 (it stays queued).</summary>
    public int JournalCommitWaitMs { get; set; } = 10_000;

    /// <summary>How often, ms, pre-aggregated counter increments are sent to the counter grains.</summary>
    public int AggregateFlushMs { get; set; } = 250;

    /// <summary>Longest time, ms, a counter grain keeps dirty documents only in memory (and in the journal).</summary>
    public int CheckpointMs { get; set; } = 30_000;

    /// <summary>
    /// Longest time, ms, a device bucket keeps dirty device states only in memory (and in the
    /// journal). Device states change on every request and are durable in the journal already,
    /// so they are written less often than counters: fewer transactions, a longer journal.
    /// </summary>
    public int DeviceCheckpointMs { get; set; } = 60_000;

    /// <summary>Device buckets per app (fixed for the life of the data).</summary>
    public int DeviceBuckets { get; set; } = 16;
}
