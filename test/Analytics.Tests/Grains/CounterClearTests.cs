using Analytics.Grains;
using Analytics.Grains.Counters;
using Analytics.Grains.Storage;
using Analytics.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Grains;

/// <summary>
/// A counter grain's clear (app reset, events deleted) is durable when it returns: a crash right
/// after it neither brings back what it erased nor lets the journal's replay apply again the
/// ranges applied before it (found in review: the clear deleted the meta row with the epoch and
/// the watermarks, and wrote them only at the next checkpoint).
/// </summary>
[Collection(nameof(AzuriteCollection))]
public sealed class CounterClearTests(AzuriteFixture azurite)
{
    private const string App = "0123456789abcdef01234599";
    private static readonly CounterKey Key = new(App, 2025, Collections.Users);

    [Fact]
    public async Task A_clear_is_durable_when_it_returns_and_a_restart_applies_no_range_from_before_it()
    {
        var table = await CountersAsync();
        var store = new CounterStore(Key);
        store.Apply(Batch(0, 1, epoch: 0, value: 5), 0);
        Assert.True(await store.WriteAsync(table, 0));
        store.Apply(Batch(1, 2, epoch: 0, value: 7), 0);

        await store.ClearAsync(table, epoch: 1, nowMs: 0);

        // What a restart right after it finds: no documents, the new epoch, every range applied.
        var restarted = new CounterStore(Key);
        await restarted.LoadAsync(table);
        Assert.Empty(restarted.Read(null).Docs);
        Assert.Equal((1, 2L, 2L), (restarted.Epoch, restarted.Watermark("j"), restarted.Durable("j")));
        Assert.Equal(BatchStatus.Duplicate, restarted.Apply(Batch(1, 2, epoch: 0, value: 7), 0).Status);
        Assert.Equal(BatchStatus.Applied, restarted.Apply(Batch(2, 3, epoch: 0, value: 11), 0).Status);
        Assert.Empty(restarted.Read(null).Docs);
        Assert.Equal([MetaRowKey], (await RowsAsync(table)).Select(r => r.RowKey));
    }

    [Fact]
    public async Task A_clear_stopped_after_its_marked_meta_row_loads_nothing_it_erased_and_the_next_write_deletes_it()
    {
        var table = await CountersAsync();
        var store = new CounterStore(Key);
        store.Apply(Batch(0, 1, epoch: 0, value: 5), 0);
        Assert.True(await store.WriteAsync(table, 0));

        // The state a crash leaves between the clear's meta row and its deletes.
        var meta = (await RowsAsync(table)).Single(r => r.RowKey == MetaRowKey);
        meta["C"] = true;
        await table.UpdateEntityAsync(meta, Azure.ETag.All, TableUpdateMode.Merge);
        Assert.Equal(2, (await RowsAsync(table)).Count);

        var restarted = new CounterStore(Key);
        await restarted.LoadAsync(table);
        Assert.Empty(restarted.Read(null).Docs);
        Assert.True(restarted.IsDirty);

        restarted.Apply(Batch(1, 2, epoch: 0, value: 3), 0);
        Assert.True(await restarted.WriteAsync(table, 0));
        var rows = await RowsAsync(table);
        Assert.Equal(2, rows.Count);
        Assert.Null(rows.Single(r => r.RowKey == MetaRowKey).GetBoolean("C"));
        var reloaded = new CounterStore(Key);
        await reloaded.LoadAsync(table);
        Assert.Equal(3, reloaded.Read(null).Docs["0"]["u"]);
    }

    [Fact]
    public async Task A_clear_whose_writes_fail_claims_nothing_durable_that_storage_does_not_hold()
    {
        var table = await CountersAsync();
        var store = new CounterStore(Key);

        // Applied, not yet written (the partition is empty): nothing of journal j is durable.
        store.Apply(Batch(0, 1, epoch: 0, value: 5), 0);

        // Reads work, writes fail (storage throttling or going down; found in review: the clear
        // reported the range durable, so the journal could trim it).
        await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() => store.ClearAsync(new WritesFail(table), epoch: 1, nowMs: 0));

        Assert.Empty(await RowsAsync(table));
        Assert.Equal(0, store.Durable("j"));

        // Storage back: the next write makes the clear durable, range included.
        Assert.True(await store.WriteAsync(table, 0));
        Assert.Equal(1, store.Durable("j"));
        var restarted = new CounterStore(Key);
        await restarted.LoadAsync(table);
        Assert.Equal((1, 1L), (restarted.Epoch, restarted.Watermark("j")));
    }

    private const string MetaRowKey = "~meta";

    private static CounterBatch Batch(long from, long to, int epoch, decimal value) => new()
    {
        JournalId = "j",
        From = from,
        To = to,
        Epoch = epoch,
        Docs = ["0"],
        Paths = ["u"],
        Values = [value],
        MetaSets = [],
        MetaValues = [],
    };

    private static Task<List<TableEntity>> RowsAsync(TableClient table) =>
        TableStore.ReadPartitionAsync(table, KeyEncoding.Encode(Key.ToString()), "test");

    /// <summary>A table whose queries reach Azurite and whose writes fail, as during an outage that lets reads through.</summary>
    private sealed class WritesFail(TableClient inner) : TableClient
    {
        public override Azure.AsyncPageable<T> QueryAsync<T>(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
            inner.QueryAsync<T>(filter, maxPerPage, select, cancellationToken);

        public override Task<Azure.Response> UpsertEntityAsync<T>(T entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default) =>
            throw new Azure.RequestFailedException(503, "down (test)");

        public override Task<Azure.Response<IReadOnlyList<Azure.Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions, CancellationToken cancellationToken = default) =>
            throw new Azure.RequestFailedException(503, "down (test)");

        public override Task<Azure.Response> DeleteEntityAsync(string partitionKey, string rowKey, Azure.ETag ifMatch = default, CancellationToken cancellationToken = default) =>
            throw new Azure.RequestFailedException(503, "down (test)");
    }

    private Task<TableClient> CountersAsync() =>
        new TableStore(Options.Create(new StorageOptions { ConnectionString = azurite.Azurite.ConnectionString, TablePrefix = AzuriteFixture.NewPrefix() })).CountersAsync();
}
