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

    /// <summary>Longest time, ms, a journal segment waits for more records before it is written.</summary>
    public int JournalFlushMs { get; set; } = 5;

    /// <summary>Segment writes that may be in flight at once.</summary>
    public int JournalConcurrency { get; set; } = 2;

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

    /// <summary>How long a request waits for its segment before it is answered 503 (it stays queued).</summary>
    public int JournalCommitWaitMs { get; set; } = 10_000;

    /// <summary>How often, ms, pre-aggregated counter increments are sent to the counter grains.</summary>
    public int AggregateFlushMs { get; set; } = 250;

    /// <summary>Longest time, ms, a counter grain keeps dirty documents only in memory (and in the journal).</summary>
    public int CheckpointMs { get; set; } = 5_000;

    /// <summary>
    /// Longest time, ms, a device bucket keeps dirty device states only in memory (and in the
    /// journal). Device states change on every request and are durable in the journal already,
    /// so they are written less often than counters: fewer transactions, a longer journal.
    /// </summary>
    public int DeviceCheckpointMs { get; set; } = 20_000;

    /// <summary>Device buckets per app (fixed for the life of the data).</summary>
    public int DeviceBuckets { get; set; } = 16;
}
