using Analytics.Grains.Hosting;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Analytics.Grains.Journal;

/// <summary>Whether a journal of the registry belongs to a live silo, in this silo's view of the cluster.</summary>
public sealed class JournalLiveness(IngestJournal local, IClusterMembershipService membership, IOptions<AnalyticsClusterOptions> cluster, TableStore tables, IGrainFactory grains)
{
    private readonly bool _localhost = string.Equals(cluster.Value.Clustering, "localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A journal is alive while its silo is a member that is not dead. A silo this snapshot does
    /// not know is dead when another member (this silo, after a restart) has taken its endpoint,
    /// and otherwise only once its registration is old enough that the snapshot cannot be
    /// lagging. This process's journal is always alive; with localhost clustering there is one
    /// silo, so every other journal is a dead predecessor's.
    /// </summary>
    public bool IsAlive(TableEntity row)
    {
        if (row.RowKey == local.JournalId)
        {
            return true;
        }

        if (row.GetString("Silo") is not { } address || !SiloAddress.TryParse(address, out var silo))
        {
            return false;
        }

        // A newer generation on the same endpoint (the process restarted) outranks whatever the
        // snapshot still says of the old one.
        var members = membership.CurrentSnapshot.Members;
        foreach (var member in members.Keys)
        {
            if (member.Endpoint.Equals(silo.Endpoint) && member.Generation > silo.Generation)
            {
                return false;
            }
        }

        if (members.TryGetValue(silo, out var entry))
        {
            return entry.Status != SiloStatus.Dead;
        }

        return !_localhost && row.GetDateTimeOffset("Started") is { } started && DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(60);
    }

    /// <summary>
    /// Waits for the replay of every journal whose silo is dead in this silo's view. The journal
    /// directory (one grain per cluster, <see cref="IJournalDirectoryGrain"/>) is asked only if
    /// there is one: it reads the registry from wherever it lives, and on a silo cut from storage
    /// would hold every caller (a bucket's loads, a silo's start).
    /// </summary>
    public async Task ReplayDeadAsync(string operation)
    {
        var registry = await tables.JournalsAsync().ConfigureAwait(false);
        var rows = await TableStore.ReadPartitionAsync(registry, JournalRegistry.Partition, operation).ConfigureAwait(false);
        if (!rows.TrueForAll(IsAlive))
        {
            await grains.GetGrain<IJournalDirectoryGrain>(0).EnsureReplayedAsync(null).ConfigureAwait(false);
        }
    }
}
