using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Grains.Counters;

/// <summary>
/// Counters of one collection of one app for one year. Batches arrive pre-aggregated from
/// every silo's <see cref="DeltaAggregator"/>, so even the hottest app sees a few calls per
/// second here; documents are written on a timer and on deactivation.
/// </summary>
public sealed partial class CounterGrain(TableStore tables, IOptions<StorageOptions> options, ILogger<CounterGrain> logger) : Grain, ICounterGrain
{
    private CounterStore _store = null!;
    private TableClient _table = null!;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = new CounterStore(CounterKey.Parse(this.GetPrimaryKeyString()));
        _table = await tables.CountersAsync();
        await _store.LoadAsync(_table);
        var period = TimeSpan.FromMilliseconds(options.Value.CheckpointMs);
        this.RegisterGrainTimer(WriteAsync, new GrainTimerCreationOptions(period, period) { Interleave = false, KeepAlive = false });
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await WriteAsync(cancellationToken);

    Task<CounterAck> ICounterGrain.ApplyAsync(CounterBatch batch) => Task.FromResult(_store.Apply(batch, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    Task<CounterSnapshot> ICounterGrain.ReadAsync(string[]? docs) => Task.FromResult(_store.Read(docs));

    async Task<long> ICounterGrain.FlushAsync(string journalId)
    {
        await WriteAsync(CancellationToken.None);
        return _store.Durable(journalId);
    }

    Task<long> ICounterGrain.GetWatermarkAsync(string journalId) => Task.FromResult(_store.Watermark(journalId));

    async Task ICounterGrain.ClearAsync(int epoch) => await _store.ClearAsync(_table, epoch, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private async Task WriteAsync(CancellationToken ct)
    {
        try
        {
            if (!_store.IsDirty)
            {
                return;
            }

            using var activity = TableStore.Source.StartActivity("counter.flush");
            await _store.WriteAsync(_table, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Storage is down or throttling: the data stays dirty here and in the journal.
            LogWriteFailed(logger, e, this.GetPrimaryKeyString());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counter grain {Key} could not write; will retry")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, string key);
}
