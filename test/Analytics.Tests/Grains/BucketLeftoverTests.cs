using Analytics.Grains;
using Analytics.Grains.Devices;
using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Grains;

/// <summary>
/// A device bucket deactivated while storage is down cannot write the states it holds; the silo
/// keeps them (<see cref="BucketLeftovers"/>) so that its next activation does not hand a device
/// an older state than the journal has acknowledged.
/// </summary>
[Collection(nameof(AzuriteCollection))]
public sealed class BucketLeftoverTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_bucket_deactivated_during_an_outage_still_recognises_a_resent_request()
    {
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        var viaProxy = azurite.Azurite.ConnectionStringVia(proxy.Port);
        await using var cluster = await PipelineCluster.StartAsync(viaProxy, AzuriteFixture.NewPrefix(), silos: 1, o => o.DeviceCheckpointMs = 600_000);
        const string App = "5f0000000000000000000077";
        var t0 = (((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000) - 1) * 3_600_000) + 60_000;
        IngestRequest At(long offset) => new()
        {
            AppId = App,
            DeviceId = "dev",
            Timestamp = t0 + offset,
            ReceivedAt = t0 + offset,
            TimeZone = "UTC",
            Fingerprint = Analytics.Grains.Storage.StableHash.Of($"dev:{t0 + offset}") | 1,
        };
        var device = cluster.Client.GetGrain<IDeviceGrain>(DeviceGrain.KeyOf(App, "dev"));
        var begin = At(0) with { BeginSession = true };
        var end = At(1000) with { EndSession = true, HasSessionDuration = true, SessionDuration = 30 };

        // The begin's state reaches the bucket and is written at its first poll.
        Assert.Equal(IngestResult.Success, await device.IngestAsync(begin));
        await Task.Delay(2000);

        // The end is acknowledged; the device grain deactivates and hands its state to the bucket,
        // whose next write is due in ten minutes.
        Assert.Equal(IngestResult.Success, await device.IngestAsync(end));
        await Task.Delay(2000);

        // Storage goes down and the bucket is deactivated: its last write fails.
        var bucket = cluster.Client.GetGrain<IDeviceBucketGrain>(DeviceBuckets.KeyOf(App, "dev", new StorageOptions().DeviceBuckets));
        proxy.Break();
        await bucket.AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(5000);
        proxy.Heal();

        // The SDK never got the answer to `end` and sends it again.
        Assert.Equal(IngestResult.Duplicate, await device.IngestAsync(end));
    }

    [Fact]
    public async Task A_bucket_is_marked_clean_only_between_a_deactivation_that_wrote_everything_and_its_next_activation()
    {
        var prefix = AzuriteFixture.NewPrefix();
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix, silos: 1, o => o.DeviceCheckpointMs = 600_000);
        var key = DeviceBuckets.KeyOf("5f0000000000000000000079", "dev", new StorageOptions().DeviceBuckets);
        var bucket = cluster.Client.GetGrain<IDeviceBucketGrain>(key);
        var table = new Azure.Data.Tables.TableClient(azurite.Azurite.ConnectionString, prefix + "devices");
        async Task<bool?> CleanAsync() => (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>(KeyEncoding.Encode(key), "~meta")).Value.GetBoolean("C");

        // An activation marks the bucket unclean before it takes anything.
        Assert.Equal(BatchStatus.Applied, (await bucket.PutAsync(new DeviceStateBatch { JournalId = "j", From = 0, To = 1, DeviceIds = ["d"], Seqs = [1], States = [[1, 2, 3]] })).Status);
        Assert.False(await CleanAsync());

        // Deactivated with its state written: clean, so its next activation need not ask the journals.
        var gone = cluster.WaitForDeactivationAsync(bucket);
        await bucket.AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        await gone;
        Assert.True(await CleanAsync());

        Assert.Equal(1, await bucket.CountAsync());
        Assert.False(await CleanAsync());
    }

    [Fact]
    public async Task A_bucket_whose_catch_up_has_not_finished_is_not_marked_clean()
    {
        var prefix = AzuriteFixture.NewPrefix();
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix, silos: 1, o => o.DeviceCheckpointMs = 600_000);
        var key = DeviceBuckets.KeyOf("5f000000000000000000007a", "dev", new StorageOptions().DeviceBuckets);
        var table = new Azure.Data.Tables.TableClient(azurite.Azurite.ConnectionString, prefix + "devices");
        var registry = new Azure.Data.Tables.TableClient(azurite.Azurite.ConnectionString, prefix + "journals");
        async Task<bool?> CleanAsync() => (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>(KeyEncoding.Encode(key), "~meta")).Value.GetBoolean("C");
        await table.CreateIfNotExistsAsync();
        await registry.CreateIfNotExistsAsync();

        // The previous activation died uncleanly; a journal registered for this live silo is not
        // the silo's own (so its peer keeps answering "not this silo" for ten seconds).
        await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(KeyEncoding.Encode(key), "~meta") { ["W"] = "{}", ["C"] = false });
        await registry.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(Analytics.Grains.Journal.JournalRegistry.Partition, "not-yet-answering") { ["Silo"] = cluster.Silos[0].SiloAddress.ToParsableString() });
        var bucket = cluster.Client.GetGrain<IDeviceBucketGrain>(key);
        await bucket.CountAsync();

        // Deactivated before its catch-up finished, with nothing unwritten: still unclean.
        var gone = cluster.WaitForDeactivationAsync(bucket);
        await bucket.AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        await gone;
        Assert.NotEqual(true, await CleanAsync());
    }

    [Fact]
    public async Task A_bucket_forgets_the_watermarks_of_journals_that_are_no_longer_open()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix(), silos: 1);
        var bucket = cluster.Client.GetGrain<IDeviceBucketGrain>(DeviceBuckets.KeyOf("5f0000000000000000000078", "dev", new StorageOptions().DeviceBuckets));

        // Forty silo processes that wrote to it once and are gone (none is in the journal registry).
        for (var i = 0; i < 40; i++)
        {
            var ack = await bucket.PutAsync(new DeviceStateBatch { JournalId = "gone-" + i, From = 0, To = 1, DeviceIds = ["d" + i], Seqs = [1], States = [[1, 2, 3]] });
            Assert.Equal(BatchStatus.Applied, ack.Status);
        }

        await bucket.FlushAsync("gone-0");

        Assert.Equal(0, await bucket.GetWatermarkAsync("gone-0"));
        Assert.Equal(0, await bucket.GetWatermarkAsync("gone-39"));
        Assert.Equal(40, await bucket.CountAsync());
    }
}
