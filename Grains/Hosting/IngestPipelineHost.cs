using Analytics.Grains.Journal;
using Analytics.Grains.Pipeline;
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
    JournalLiveness liveness,
    ILocalSiloDetails silo,
    ILogger<IngestPipelineHost> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _sweep;

    /// <summary>Whether the journal is open and requests are accepted.</summary>
    public bool IsReady => journal.IsAccepting;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(IngestPipelineHost), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken ct)
    {
        // Journals left by dead processes are replayed before this silo serves anything.
        await liveness.ReplayDeadAsync("journal-start-check").ConfigureAwait(false);
        journal.Attach(aggregator);
        journal.Attach(forwarder);
        aggregator.Start();
        forwarder.Start();
        await journal.StartAsync(silo.SiloAddress.ToParsableString(), ct).ConfigureAwait(false);
        _sweep = Task.Run(SweepLoopAsync, CancellationToken.None);
    }

    /// <summary>Every few seconds, replays the journals of silos that died while the cluster went on.</summary>
    private async Task SweepLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), _stop.Token).ConfigureAwait(false);
                await liveness.ReplayDeadAsync("journal-sweep-check").ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e)
            {
                LogSweepFailed(logger, e);
            }
        }
    }

    private async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_sweep is not null)
        {
            await _sweep.ConfigureAwait(false);
        }

        await journal.CloseAsync(ct).ConfigureAwait(false);
        await aggregator.StopAsync().ConfigureAwait(false);
        await forwarder.StopAsync().ConfigureAwait(false);
        await journal.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replaying dead silos' journals failed; will retry")]
    private static partial void LogSweepFailed(ILogger logger, Exception e);
}
