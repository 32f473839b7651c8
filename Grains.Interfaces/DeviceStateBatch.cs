namespace Analytics.Grains;

/// <summary>
/// The newest encoded states of some devices of one bucket, taken from the journal segments
/// (<see cref="From"/>, <see cref="To"/>] of journal <see cref="JournalId"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Analytics.DeviceStateBatch")]
public sealed record class DeviceStateBatch
{
    /// <summary>The journal the states came from.</summary>
    [Id(0)] public required string JournalId { get; init; }
    /// <summary>Last segment of the previous batch from this journal to this bucket.</summary>
    [Id(1)] public long From { get; init; }
    /// <summary>Last segment included.</summary>
    [Id(2)] public long To { get; init; }
    /// <summary>Device ids.</summary>
    [Id(3)] public required string[] DeviceIds { get; init; }
    /// <summary>Sequence number of each state.</summary>
    [Id(4)] public required long[] Seqs { get; init; }
    /// <summary>Encoded states.</summary>
    [Id(5)] public required byte[][] States { get; init; }
}
