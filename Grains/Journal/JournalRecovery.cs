using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Analytics.Grains.Journal;

/// <summary>
/// Replays journals whose process died before closing them (docs/durability.md): device
/// states go to their buckets (newest sequence wins), counter increments to their counter
/// grains (only segments past each grain's watermark), then the journal is deleted.
/// </summary>
public sealed partial class JournalRecovery(IGrainFactory grains, TableStore tables, StorageOptions options, ILogger<JournalRecovery> logger)
{
    /// <summary>Replays every registered journal except those <paramref name="isAlive"/> says belong to a running process.</summary>
    public async Task<int> RecoverAsync(Func<TableEntity, bool> isAlive, CancellationToken ct)
    {
        var registry = await tables.JournalsAsync().ConfigureAwait(false);
        var rows = await TableStore.ReadPartitionAsync(registry, JournalRegistry.Partition, "journal-list", ct).ConfigureAwait(false);
        var recovered = 0;
        foreach (var row in rows)
        {
            if (isAlive(row))
            {
                continue;
            }

            LogDead(logger, row.RowKey, row.GetString("Silo") ?? "?");
            await ReplayAsync(row.RowKey, ct).ConfigureAwait(false);
            await TableStore.SubmitAsync(registry, [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(JournalRegistry.Partition, row.RowKey))], "journal-close", ct).ConfigureAwait(false);
            recovered++;
        }

        return recovered;
    }

    /// <summary>Replays one journal and deletes its segments.</summary>
    public async Task ReplayAsync(string journalId, CancellationToken ct)
    {
        var table = await tables.JournalAsync().ConfigureAwait(false);
        var segments = JournalReplay.ContiguousPrefix(await JournalReplay.ReadAsync(table, journalId, 0, long.MaxValue, ct).ConfigureAwait(false), out var dropped);
        if (dropped > 0)
        {
            LogHole(logger, journalId, segments[^1].Segment + 1, dropped);
        }

        LogReplaying(logger, journalId, segments.Count, segments.Sum(s => s.Entries.Count));
        if (segments.Count > 0)
        {
            var forwarder = new StateForwarder(grains, tables, journalId, options, logger);
            var aggregator = new DeltaAggregator(grains, tables, journalId, options, logger);
            var all = segments.SelectMany(s => s.Entries).ToList();

            // States first: a device activated after this point must see its newest state.
            foreach (var target in forwarder.TargetsOf(all))
            {
                forwarder.Seed(target, await forwarder.WatermarkOfAsync(target).ConfigureAwait(false));
            }

            foreach (var (segment, entries) in segments)
            {
                forwarder.OnCommitted(segment, entries);
            }

            await forwarder.DrainAsync(ct).ConfigureAwait(false);

            foreach (var target in aggregator.TargetsOf(all))
            {
                aggregator.Seed(target, await aggregator.WatermarkOfAsync(target).ConfigureAwait(false));
            }

            foreach (var (segment, entries) in segments)
            {
                aggregator.OnCommitted(segment, entries);
            }

            await aggregator.DrainAsync(ct).ConfigureAwait(false);
            if (forwarder.OldestUndurableSegment != long.MaxValue || aggregator.OldestUndurableSegment != long.MaxValue)
            {
                throw new InvalidOperationException($"Journal {journalId} could not be fully replayed; it is kept for the next attempt.");
            }
        }

        var rows = await TableStore.ReadPartitionAsync(table, journalId, "journal-read", ct).ConfigureAwait(false);
        foreach (var chunk in rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(journalId, r.RowKey))).Chunk(TableStore.MaxBatch))
        {
            await TableStore.SubmitAsync(table, chunk, "journal-trim", ct).ConfigureAwait(false);
        }

        LogReplayed(logger, journalId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal {JournalId} of silo {Silo} was not closed and its silo is gone: replaying it")]
    private static partial void LogDead(ILogger logger, string journalId, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replaying journal {JournalId}: {Segments} segments, {Records} records")]
    private static partial void LogReplaying(ILogger logger, string journalId, int segments, int records);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal {JournalId} lacks segment {Missing}: the {Dropped} segment(s) after it were never acknowledged and are not replayed")]
    private static partial void LogHole(ILogger logger, string journalId, long missing, int dropped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Journal {JournalId} replayed and deleted")]
    private static partial void LogReplayed(ILogger logger, string journalId);
}
