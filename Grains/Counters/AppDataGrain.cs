using Analytics.Grains.Journal;
using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Metadata;
using Orleans.Runtime;

namespace Analytics.Grains.Counters;

/// <summary>Erases an app's data, or some events' data: every counter grain found in storage (and those of recent years, which may not have written yet), and every device bucket.</summary>
public sealed partial class AppDataGrain(
    TableStore tables,
    IOptions<StorageOptions> options,
    JournalLiveness liveness,
    IClusterManifestProvider manifests,
    GrainInterfaceTypeResolver interfaces,
    ILogger<AppDataGrain> logger) : Grain, IAppDataGrain
{
    private static readonly string[] FixedCollections =
    [
        Collections.Users, Collections.DeviceDetails, Collections.Devices, Collections.Carriers, Collections.Cities,
        Collections.Langs, Collections.Density, Collections.LastSeen, Collections.Retention,
    ];

    async Task IAppDataGrain.EraseAsync(int epoch)
    {
        var appId = this.GetPrimaryKeyString();
        var keys = FixedCollections.SelectMany(c => RecentYears(appId, c)).ToHashSet(StringComparer.Ordinal);
        keys.UnionWith(await StoredAsync(appId));
        var registry = GrainFactory.GetGrain<IEventRegistryGrain>(appId);
        foreach (var key in (await registry.GetAsync()).List)
        {
            keys.UnionWith(RecentYears(appId, Collections.Event(key)));
        }

        await registry.ClearAsync();
        await GrainFactory.GetGrain<ILiveGrain>(appId).ResetAsync();
        await ClearCountersAsync(keys, epoch);

        await Task.WhenAll(DeviceBuckets.AllOf(appId, options.Value.DeviceBuckets).Select(b => GrainFactory.GetGrain<IDeviceBucketGrain>(b).ClearAsync()));
    }

    async Task IAppDataGrain.EraseEventsAsync(string[] eventKeys, int epoch)
    {
        var appId = this.GetPrimaryKeyString();
        var collections = eventKeys.Select(Collections.Event).ToHashSet(StringComparer.Ordinal);
        var keys = collections.SelectMany(c => RecentYears(appId, c)).ToHashSet(StringComparer.Ordinal);
        keys.UnionWith((await StoredAsync(appId)).Where(k => collections.Contains(CounterKey.Parse(k).Collection)));

        // Counts of these events acknowledged before the delete may still be on their way (a
        // journal segment being routed, each silo's aggregator sending every AggregateFlushMs),
        // and they carry the app's current epoch, which a delete does not change: cleared now,
        // they would be applied after it. So every journal first brings what it holds for these
        // grains up to date (a dead silo's is replayed). What is acknowledged while the delete
        // runs may be erased with it, as with a reset (docs/durability.md, "App resets and
        // deleted events"). A live silo of an older version, which cannot be asked, is given the
        // aggregators' flush interval instead, and the grains are cleared again. A journal that
        // could not be brought up to date at all (its silo unreachable, not yet declared dead;
        // storage down; a replay not finished) may still deliver such counts later: the grains
        // are cleared as far as that goes, and the delete fails, to be sent again.
        var caughtUp = await CatchUpJournalsAsync([.. keys]);
        await ClearCountersAsync(keys, epoch);
        if (caughtUp != CatchUp.Done)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(options.Value.AggregateFlushMs + 1000));
            await ClearCountersAsync(keys, epoch);
        }

        if (caughtUp == CatchUp.Failed)
        {
            throw new TimeoutException("A journal could not bring the deleted events' counts up to date; delete them again.");
        }
    }

    private enum CatchUp
    {
        Done,
        OldVersion,
        Failed,
    }

    /// <summary>Every registered journal's increments for <paramref name="keys"/> applied, or why not.</summary>
    private async Task<CatchUp> CatchUpJournalsAsync(string[] keys)
    {
        var registry = await tables.JournalsAsync();
        var rows = await TableStore.ReadPartitionAsync(registry, JournalRegistry.Partition, "erase-catch-up");
        var answers = await Task.WhenAll(rows.Select(async row =>
        {
            try
            {
                if (row.GetString("Silo") is not { } silo || !liveness.IsAlive(row))
                {
                    // Replayed (its targets have everything) once its registry row is gone; the
                    // directory may still see its silo alive, or the replay may not have finished.
                    await GrainFactory.GetGrain<IJournalDirectoryGrain>(0).EnsureReplayedAsync(row.RowKey);
                    TableStore.Count("erase-catch-up");
                    return (await registry.GetEntityIfExistsAsync<TableEntity>(JournalRegistry.Partition, row.RowKey, ["RowKey"])).HasValue ? CatchUp.Failed : CatchUp.Done;
                }

                if (SiloAddress.TryParse(silo, out var address) && manifests.Current.Silos.TryGetValue(address, out var manifest)
                    && !manifest.Interfaces.ContainsKey(interfaces.GetGrainInterfaceType(typeof(IJournalCounterCatchUpGrain))))
                {
                    return CatchUp.OldVersion;
                }

                var answer = await GrainFactory.GetGrain<IJournalCounterCatchUpGrain>(silo).CatchUpCountersAsync(row.RowKey, keys);
                return answer switch
                {
                    CatchUpAnswer.Done => CatchUp.Done,
                    CatchUpAnswer.SiloCannotHost => CatchUp.OldVersion,
                    _ => CatchUp.Failed,
                };
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogCatchUpFailed(logger, e, row.RowKey);
                return CatchUp.Failed;
            }
        }));
        return answers.Contains(CatchUp.Failed) ? CatchUp.Failed : answers.Contains(CatchUp.OldVersion) ? CatchUp.OldVersion : CatchUp.Done;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal {JournalId} could not bring deleted events' counts up to date")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception e, string journalId);

    /// <summary>Clears the counter grains <paramref name="keys"/>, 32 at a time.</summary>
    private async Task ClearCountersAsync(IEnumerable<string> keys, int epoch)
    {
        foreach (var chunk in keys.Chunk(32))
        {
            await Task.WhenAll(chunk.Select(k => GrainFactory.GetGrain<ICounterGrain>(k).ClearAsync(epoch)));
        }
    }

    /// <summary>The counter grains of <paramref name="collection"/> that may hold data not yet written: last, this and next year.</summary>
    private static IEnumerable<string> RecentYears(string appId, string collection)
    {
        var thisYear = DateTime.UtcNow.Year;
        return new[] { thisYear - 1, thisYear, thisYear + 1 }.Select(y => new CounterKey(appId, y, collection).ToString());
    }

    /// <summary>Every counter grain of the app with stored data: each writes a meta row, so the meta rows list them.</summary>
    private async Task<List<string>> StoredAsync(string appId)
    {
        var keys = new List<string>();
        var table = await tables.CountersAsync();
        var low = KeyEncoding.Encode(appId + "|");
        var high = KeyEncoding.Encode(appId + "}");
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {low} and PartitionKey lt {high} and RowKey eq {"~meta"}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", CounterStore.KeyProperty]).AsPages())
        {
            TableStore.Count("app-erase-scan");
            foreach (var row in page.Values)
            {
                keys.Add(row.GetString(CounterStore.KeyProperty) ?? KeyEncoding.Decode(row.PartitionKey));
            }
        }

        return keys;
    }
}
