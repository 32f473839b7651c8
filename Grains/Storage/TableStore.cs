using System.Diagnostics.Metrics;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Analytics.Grains.Storage;

/// <summary>
/// The tables the write path owns, and every call to them, counted by the
/// <c>analytics.storage.transactions</c> instrument (one per Table Storage transaction,
/// a query page or a batch counting as one). Batches are checked against Azure's limits
/// here because Azurite does not enforce them.
/// </summary>
public sealed class TableStore
{
    /// <summary>Name of our meter.</summary>
    public const string MeterName = "Analytics";

    /// <summary>Azure's limit on operations in one entity-group transaction.</summary>
    public const int MaxBatch = 100;

    /// <summary>
    /// Raw binary bytes per batch: Azure's limit is 4 MiB of request payload, where binary
    /// properties travel as base64 (four characters per three bytes), so 2.75 MiB raw is about
    /// 3.7 MiB on the wire, with room for the framing.
    /// </summary>
    public const int MaxBatchBytes = (11 * 1024 * 1024) / 4;

    /// <summary>Our activity source: spans for ingest, journal writes, flushes and storage calls.</summary>
    public static readonly System.Diagnostics.ActivitySource Source = new(MeterName);

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Transactions = Meter.CreateCounter<long>("analytics.storage.transactions", description: "Table Storage transactions (query pages and batches count one each)");
    private static long _total;

    private readonly TableServiceClient _service;
    private readonly string _prefix;
    private readonly Dictionary<string, TableClient> _tables = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _createLock = new(1, 1);

    /// <summary>Creates the store over the configured account.</summary>
    public TableStore(IOptions<StorageOptions> options)
        : this(new TableServiceClient(options.Value.ConnectionString, ClientOptions()), options.Value.TablePrefix)
    {
    }

    /// <summary>Creates the store over <paramref name="service"/>.</summary>
    public TableStore(TableServiceClient service, string prefix)
    {
        _service = service;
        _prefix = prefix;
    }

    /// <summary>Transactions issued by this process so far (all stores).</summary>
    public static long TotalTransactions => Interlocked.Read(ref _total);

    /// <summary>The journal segments table.</summary>
    public Task<TableClient> JournalAsync() => TableAsync("journal");

    /// <summary>The journal registry table (one row per journal).</summary>
    public Task<TableClient> JournalsAsync() => TableAsync("journals");

    /// <summary>The device state table.</summary>
    public Task<TableClient> DevicesAsync() => TableAsync("devices");

    /// <summary>The counter documents table.</summary>
    public Task<TableClient> CountersAsync() => TableAsync("counters");

    /// <summary>The live maxima table (one row per app).</summary>
    public Task<TableClient> LiveAsync() => TableAsync("live");

    /// <summary>Default client options: bounded retries so a dead account surfaces as an error quickly.</summary>
    public static TableClientOptions ClientOptions()
    {
        var o = new TableClientOptions();
        o.Retry.MaxRetries = 2;
        o.Retry.Delay = TimeSpan.FromMilliseconds(100);
        o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        o.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return o;
    }

    /// <summary>Counts one transaction of kind <paramref name="operation"/>.</summary>
    public static void Count(string operation)
    {
        Interlocked.Increment(ref _total);
        Transactions.Add(1, new KeyValuePair<string, object?>("op", operation));
    }

    /// <summary>
    /// Splits same-partition actions, in order, into transactions within Azure's limits: at most
    /// <see cref="MaxBatch"/> operations and about <see cref="MaxBatchBytes"/> of payload (an entity
    /// written with <see cref="BinaryChunks"/> counts its chunks at full size, any other 1 KiB).
    /// </summary>
    public static IEnumerable<List<TableTransactionAction>> Batches(List<TableTransactionAction> actions)
    {
        var current = new List<TableTransactionAction>();
        long bytes = 0;
        foreach (var a in actions)
        {
            var size = a.Entity is TableEntity e && e.TryGetValue("N", out var n) && n is int chunks ? chunks * BinaryChunks.ChunkSize : 1024;
            if (current.Count > 0 && (current.Count == MaxBatch || bytes + size > MaxBatchBytes))
            {
                yield return current;
                current = [];
                bytes = 0;
            }

            current.Add(a);
            bytes += size;
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }

    /// <summary>Submits one entity-group transaction after checking Azure's limits.</summary>
    public static async Task SubmitAsync(TableClient table, IReadOnlyList<TableTransactionAction> actions, string operation, CancellationToken ct = default)
    {
        if (actions.Count == 0)
        {
            return;
        }

        if (actions.Count > MaxBatch)
        {
            throw new InvalidOperationException($"A batch holds at most {MaxBatch} operations, not {actions.Count}.");
        }

        var partition = actions[0].Entity.PartitionKey;
        for (var i = 1; i < actions.Count; i++)
        {
            if (!string.Equals(actions[i].Entity.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("A batch must stay inside one partition.");
            }
        }

        Count(operation);
        using var activity = Source.StartActivity("storage " + operation, System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("db.system", "azure-table");
        activity?.SetTag("analytics.operations", actions.Count);
        if (actions.Count == 1)
        {
            var a = actions[0];
            switch (a.ActionType)
            {
                case TableTransactionActionType.Delete:
                    try
                    {
                        await table.DeleteEntityAsync(a.Entity.PartitionKey, a.Entity.RowKey, ETag.All, ct).ConfigureAwait(false);
                    }
                    catch (RequestFailedException e) when (e.Status == 404)
                    {
                    }

                    return;
                case TableTransactionActionType.UpsertReplace:
                    await table.UpsertEntityAsync(a.Entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    return;
                case TableTransactionActionType.Add:
                    await table.AddEntityAsync(a.Entity, ct).ConfigureAwait(false);
                    return;
            }
        }

        await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes same-partition rows in one transaction (at most <see cref="MaxBatch"/>); when some
    /// are gone already (a retry whose earlier answer was lost), the whole transaction fails, so
    /// they go one by one, where a missing row is no error.
    /// </summary>
    public static async Task DeleteAsync(TableClient table, IReadOnlyList<TableTransactionAction> deletes, string operation, CancellationToken ct = default)
    {
        try
        {
            await SubmitAsync(table, deletes, operation, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404 && deletes.Count > 1)
        {
            foreach (var delete in deletes)
            {
                await SubmitAsync(table, [delete], operation, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads every entity of one partition, page by page.</summary>
    public static async Task<List<TableEntity>> ReadPartitionAsync(TableClient table, string partition, string operation, CancellationToken ct = default)
    {
        var result = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct).AsPages().ConfigureAwait(false))
        {
            Count(operation);
            result.AddRange(page.Values);
        }

        if (result.Count == 0)
        {
            // An empty partition still costs the one query that found it empty.
            Count(operation);
        }

        return result;
    }

    private async Task<TableClient> TableAsync(string name)
    {
        var full = _prefix + name;
        lock (_tables)
        {
            if (_tables.TryGetValue(full, out var existing))
            {
                return existing;
            }
        }

        await _createLock.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_tables)
            {
                if (_tables.TryGetValue(full, out var existing))
                {
                    return existing;
                }
            }

            var client = _service.GetTableClient(full);
            Count("create-table");
            await client.CreateIfNotExistsAsync().ConfigureAwait(false);
            lock (_tables)
            {
                _tables[full] = client;
            }

            return client;
        }
        finally
        {
            _createLock.Release();
        }
    }
}
