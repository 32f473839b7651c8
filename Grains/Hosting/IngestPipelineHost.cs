using Analytics.Grains.Journal;
using Analytics.Grains.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Analytics.Grains.Hosting;

/// <summary>
/// Starts and stops the write path with the silo: at start (stage Active, before HTTP is
/// served) it replays journals left by dead processes, then opens this silo's journal; at stop
/// (before grains are deactivated) it writes everything and closes the journal cleanly.
/// </summary>
public sealed partial class IngestPipelineHost(
    IngestJournal journal,
    DeltaAggregator aggregator,
    StateForwarder forwarder,
    JournalRecovery recovery,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    ILogger<IngestPipelineHost> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Whether the journal is open and requests are accepted.</summary>
    public bool IsReady => journal.IsAccepting;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(IngestPipelineHost), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken ct)
    {
        var replayed = await recovery.RecoverAsync(IsAlive, ct).ConfigureAwait(false);
        if (replayed > 0)
        {
            LogRecovered(logger, replayed);
        }

        journal.Attach(aggregator);
        journal.Attach(forwarder);
        aggregator.Start();
        forwarder.Start();
        await journal.StartAsync(silo.SiloAddress.ToParsableString(), ct).ConfigureAwait(false);
    }

    private async Task StopAsync(CancellationToken ct)
    {
        await journal.CloseAsync(ct).ConfigureAwait(false);
        await aggregator.StopAsync().ConfigureAwait(false);
        await forwarder.StopAsync().ConfigureAwait(false);
        await journal.DisposeAsync().ConfigureAwait(false);
    }

    private bool IsAlive(TableEntity row)
    {
        if (row.GetString("Silo") is not { } address)
        {
            return false;
        }

        var snapshot = membership.CurrentSnapshot;
        foreach (var (member, entry) in snapshot.Members)
        {
            if (member.ToParsableString() == address)
            {
                return entry.Status is SiloStatus.Active or SiloStatus.Joining or SiloStatus.Created or SiloStatus.ShuttingDown || member.Equals(silo.SiloAddress);
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replayed {Count} journal(s) left by processes that did not stop cleanly")]
    private static partial void LogRecovered(ILogger logger, int count);
}
