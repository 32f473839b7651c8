namespace Analytics.Grains.Journal;

/// <summary>
/// Replays dead silos' journals for the whole cluster, one sweep at a time (callers queue).
/// Buckets that wait for a replay never await this grain inside their activation, because the
/// replay itself calls them.
/// </summary>
public sealed class JournalDirectoryGrain(JournalRecovery recovery, JournalLiveness liveness) : Grain, IJournalDirectoryGrain
{
    async Task IJournalDirectoryGrain.EnsureReplayedAsync(string? journalId) =>
        await recovery.RecoverAsync(row => (journalId is not null && row.RowKey != journalId) || liveness.IsAlive(row), CancellationToken.None);
}
