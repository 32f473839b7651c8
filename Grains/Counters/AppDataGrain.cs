using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Analytics.Grains.Counters;

/// <summary>Erases an app's data, or some events' data: every counter grain found in storage (and those of recent years, which may not have written yet), and every device bucket.</summary>
public sealed class AppDataGrain(TableStore tables, IOptions<StorageOptions> options) : Grain, IAppDataGrain
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
        await ClearCountersAsync(keys, epoch);

        // Counts of these events acknowledged before the delete may still be on their way (each
        // silo's aggregator sends every AggregateFlushMs), and they carry the app's current epoch,
        // which a delete does not change: cleared now, they would be applied after it. So clear
        // once more after they have arrived. What is acknowledged while the delete runs may be
        // erased with it, as with a reset (docs/durability.md, "App resets and deleted events").
        await Task.Delay(TimeSpan.FromMilliseconds(options.Value.AggregateFlushMs + 1000));
        await ClearCountersAsync(keys, epoch);
    }

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
