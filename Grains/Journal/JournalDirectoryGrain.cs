using Analytics.Grains.Hosting;
using Analytics.Grains.Storage;
using Microsoft.Extensions.Options;
using Azure.Data.Tables;
using Orleans.Runtime;

namespace Analytics.Grains.Journal;

/// <summary>
/// Replays dead silos' journals for the whole cluster, one sweep at a time (callers queue).
/// Buckets that wait for a replay never await this grain inside their activation, because the
/// replay itself calls them.
/// </summary>
public sealed class JournalDirectoryGrain(JournalRecovery recovery, IngestJournal local, IClusterMembershipService membership, IOptions<AnalyticsClusterOptions> cluster) : Grain, IJournalDirectoryGrain
{
    async Task IJournalDirectoryGrain.EnsureReplayedAsync(string? journalId) =>
        await recovery.RecoverAsync(row => (journalId is not null && row.RowKey != journalId) || IsAlive(row), CancellationToken.None);

    /// <summary>
    /// A journal is alive while its silo is a member that is not dead. A silo this snapshot does
    /// not know is dead when another member (this silo, after a restart) has taken its endpoint,
    /// and otherwise only once its registration is old enough that the snapshot cannot be lagging.
    /// </summary>
    private bool IsAlive(TableEntity row)
    {
        if (row.RowKey == local.JournalId)
        {
            return true;
        }

        if (row.GetString("Silo") is not { } address || SiloAddress.FromParsableString(address) is not { } silo)
        {
            return false;
        }

        var snapshot = membership.CurrentSnapshot;
        foreach (var (member, entry) in snapshot.Members)
        {
            if (member.Equals(silo))
            {
                return entry.Status != SiloStatus.Dead;
            }

            if (member.Endpoint.Equals(silo.Endpoint) && member.Generation > silo.Generation)
            {
                return false;
            }
        }

        // With localhost clustering there is one silo: every other journal is a dead predecessor's.
        if (string.Equals(cluster.Value.Clustering, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return row.GetDateTimeOffset("Started") is { } started && DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(60);
    }
}
