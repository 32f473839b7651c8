namespace Analytics.Grains;

/// <summary>
/// Increments for one counter grain, pre-aggregated over the journal segments
/// (<see cref="From"/>, <see cref="To"/>] of journal <see cref="JournalId"/>. A counter grain
/// applies a journal's ranges exactly once and only contiguously (docs/durability.md).
/// </summary>
[GenerateSerializer, Immutable, Alias("Analytics.CounterBatch")]
public sealed record class CounterBatch
{
    /// <summary>The journal the increments came from.</summary>
    [Id(0)] public required string JournalId { get; init; }
    /// <summary>Last segment of the previous batch from this journal to this grain (exclusive bound).</summary>
    [Id(1)] public long From { get; init; }
    /// <summary>Last segment included.</summary>
    [Id(2)] public long To { get; init; }
    /// <summary>Document of each increment.</summary>
    [Id(3)] public required string[] Docs { get; init; }
    /// <summary>Path of each increment.</summary>
    [Id(4)] public required string[] Paths { get; init; }
    /// <summary>Value of each increment.</summary>
    [Id(5)] public required decimal[] Values { get; init; }
    /// <summary>Meta set of each meta value.</summary>
    [Id(6)] public required string[] MetaSets { get; init; }
    /// <summary>Meta values.</summary>
    [Id(7)] public required string[] MetaValues { get; init; }
    /// <summary>The app's reset epoch of these increments; a grain cleared for a later epoch drops them.</summary>
    [Id(8)] public int Epoch { get; init; }
}

/// <summary>A counter grain's answer to a <see cref="CounterBatch"/>.</summary>
[GenerateSerializer, Immutable, Alias("Analytics.CounterAck")]
public sealed record class CounterAck
{
    /// <summary>What happened.</summary>
    [Id(0)] public BatchStatus Status { get; init; }
    /// <summary>The last segment of the journal applied in memory.</summary>
    [Id(1)] public long Watermark { get; init; }
    /// <summary>The last segment of the journal written to storage.</summary>
    [Id(2)] public long Durable { get; init; }
}

/// <summary>Outcome of a batch sent to a counter grain or device bucket.</summary>
public enum BatchStatus
{
    /// <summary>Applied now.</summary>
    Applied = 0,
    /// <summary>Already applied before (a resend); nothing changed.</summary>
    Duplicate = 1,
    /// <summary>Not applied: segments between the grain's watermark and <c>From</c> are missing; resend from <see cref="CounterAck.Watermark"/>.</summary>
    Gap = 2,
}
