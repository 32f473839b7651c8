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
    /// Returns once device bucket <paramref name="bucketKey"/> has applied every state this silo's
    /// journal <paramref name="journalId"/> routed to it so far, resending what it lost (it was
    /// re-activated after its silo died); at once if that journal is not this silo's.
    /// </summary>
    [AlwaysInterleave]
    Task CatchUpBucketAsync(string journalId, string bucketKey);
}
