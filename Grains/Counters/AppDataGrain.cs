using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Analytics.Grains.Counters;

/// <summary>Erases an app's data: every counter grain found in storage or likely in memory, and every device bucket.</summary>
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
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var thisYear = DateTime.UtcNow.Year;
        foreach (var year in new[] { thisYear - 1, thisYear, thisYear + 1 })
        {
            foreach (var c in FixedCollections)
            {
                keys.Add(new CounterKey(appId, year, c).ToString());
            }
        }

        // Every counter grain writes a meta row, so the meta rows list the grains with stored data.
        var table = await tables.CountersAsync();
        var low = KeyEncoding.Encode(appId + "|");
        var high = KeyEncoding.Encode(appId + "}");
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {low} and PartitionKey lt {high} and RowKey eq {"~meta"}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"]).AsPages())
        {
            TableStore.Count("app-erase-scan");
            foreach (var row in page.Values)
            {
                keys.Add(KeyEncoding.Decode(row.PartitionKey));
            }
        }

        var registry = GrainFactory.GetGrain<IEventRegistryGrain>(appId);
        foreach (var key in (await registry.GetAsync()).List)
        {
            foreach (var year in new[] { thisYear - 1, thisYear, thisYear + 1 })
            {
                keys.Add(new CounterKey(appId, year, Collections.Event(key)).ToString());
            }
        }

        await registry.ClearAsync();
        await GrainFactory.GetGrain<ILiveGrain>(appId).ResetAsync();
        foreach (var chunk in keys.Chunk(32))
        {
            await Task.WhenAll(chunk.Select(k => GrainFactory.GetGrain<ICounterGrain>(k).ClearAsync(epoch)));
        }

        await Task.WhenAll(DeviceBuckets.AllOf(appId, options.Value.DeviceBuckets).Select(b => GrainFactory.GetGrain<IDeviceBucketGrain>(b).ClearAsync()));
    }
}
