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
