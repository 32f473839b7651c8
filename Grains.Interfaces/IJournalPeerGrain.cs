using Orleans.Concurrency;

namespace Analytics.Grains;

/// <summary>
/// One silo's journal, for grains on other silos. Keyed by the silo's address (the
/// <c>Silo</c> column of the journal registry) and always activated on that silo, so a call
/// reaches that process's journal consumers; a call for a silo that is gone fails.
/// </summary>
public interface IJournalPeerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Returns <see cref="CatchUpAnswer.Done"/> once device bucket <paramref name="bucketKey"/>
    /// has applied every state this silo's journal <paramref name="journalId"/> routed to it so
    /// far, resending what it lost (it was re-activated after its silo died); at once, if that
    /// journal is not this silo's (the grain was placed elsewhere), why.
    /// </summary>
    [AlwaysInterleave]
    Task<CatchUpAnswer> CatchUpBucketAsync(string journalId, string bucketKey);

    /// <summary>
    /// As <see cref="CatchUpBucketAsync"/>, once the journal has first written and routed its
    /// record <paramref name="ticket"/>: the newest record of a device whose grain had to leave
    /// before it was written (<see cref="IDeviceBucketGrain.UnsettledAsync"/>). Fails if that
    /// takes longer than the catch-up's timeout (storage still down).
    /// </summary>
    [AlwaysInterleave]
    Task<CatchUpAnswer> SettleDeviceAsync(string journalId, string bucketKey, long ticket);
}

/// <summary>
/// The same journal peer (<see cref="IJournalPeerGrain"/>, the same grain) with a catch-up that
/// also names the devices whose newest record the journal has not yet written, so that a bucket
/// that lost its own marks of such devices (<see cref="IDeviceBucketGrain.UnsettledAsync"/>)
/// does not serve them older states (docs/durability.md, "Known limits"). An interface of its
/// own so that a bucket can tell from a silo's manifest whether that silo's version has it.
/// </summary>
public interface IJournalCatchUpGrain : IGrainWithStringKey
{
    /// <summary>
    /// Lists the devices of bucket <paramref name="bucketKey"/> whose newest record in this
    /// silo's journal <paramref name="journalId"/> is not yet written, then does what
    /// <see cref="IJournalPeerGrain.CatchUpBucketAsync"/> does for every record written before
    /// the list was taken: between them they cover every record of the bucket.
    /// </summary>
    [AlwaysInterleave]
    Task<BucketCatchUp> CatchUpBucketAsync(string journalId, string bucketKey);
}

/// <summary>
/// The same journal peer (the same grain) with a catch-up of counter grains, for deleting events:
/// an interface of its own so that the caller can tell from a silo's manifest whether that
/// silo's version has it.
/// </summary>
public interface IJournalCounterCatchUpGrain : IGrainWithStringKey
{
    /// <summary>
    /// Returns <see cref="CatchUpAnswer.Done"/> once this silo's journal <paramref name="journalId"/>
    /// has written every record acknowledged before the call and the counter grains
    /// <paramref name="counterKeys"/> have applied every increment of them it routes to them; at
    /// once, if that journal is not this silo's, why. Fails if that takes longer than the
    /// catch-up's timeout (storage down).
    /// </summary>
    [AlwaysInterleave]
    Task<CatchUpAnswer> CatchUpCountersAsync(string journalId, string[] counterKeys);
}

/// <summary>What <see cref="IJournalCatchUpGrain.CatchUpBucketAsync"/> did, and the devices it could not yet catch up.</summary>
[GenerateSerializer, Immutable, Alias("Analytics.BucketCatchUp")]
public sealed record BucketCatchUp
{
    /// <summary>As <see cref="IJournalPeerGrain.CatchUpBucketAsync"/>'s answer; the lists below are empty unless <see cref="CatchUpAnswer.Done"/>.</summary>
    [Id(0)] public CatchUpAnswer Answer { get; init; }

    /// <summary>Devices whose newest record is not yet written.</summary>
    [Id(1)] public string[] Devices { get; init; } = [];

    /// <summary>The journal ticket of each device's newest unwritten record (to wait for, as <see cref="IJournalPeerGrain.SettleDeviceAsync"/> does).</summary>
    [Id(2)] public long[] Tickets { get; init; } = [];

    /// <summary>The device sequence number after that record (a bucket holding that state or a newer one need not wait).</summary>
    [Id(3)] public long[] Seqs { get; init; } = [];
}

/// <summary>What <see cref="IJournalPeerGrain.CatchUpBucketAsync"/> did.</summary>
public enum CatchUpAnswer
{
    /// <summary>The bucket holds everything the journal routed to it.</summary>
    Done,

    /// <summary>Answered from another silo than the journal's: that silo is gone or not yet in the cluster's manifest.</summary>
    NotThisSilo,

    /// <summary>Answered from another silo: the journal's silo runs a version without this grain.</summary>
    SiloCannotHost,
}
