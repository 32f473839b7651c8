using Analytics.Grains;
using Analytics.Grains.Counters;
using Analytics.Grains.Codec;
using Analytics.Grains.Devices;
using Analytics.Grains.Domain;
using Analytics.Grains.Journal;
using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Grains;

[CollectionDefinition(nameof(AzuriteCollection))]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;

[Collection(nameof(AzuriteCollection))]
public sealed class WritePathClusterTests(AzuriteFixture azurite)
{
    private const string AppId = "5f0000000000000000000001";
    private const string Zone = "Europe/Istanbul";

    [Fact]
    public async Task Sessions_of_two_devices_reach_the_users_counters()
    {
        var prefix = AzuriteFixture.NewPrefix();
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(IngestResult.Success, await Device(cluster.Client, "d1").IngestAsync(Begin("d1", now)));
        Assert.Equal(IngestResult.Success, await Device(cluster.Client, "d2").IngestAsync(Begin("d2", now)));

        var year = LocalYear(now);
        Assert.True(await PipelineCluster.EventuallyAsync(async () => YearTotal(await Users(cluster.Client, year), "u") == 2));
        var zero = (await Users(cluster.Client, year)).Docs["0"];
        Assert.Equal(2, zero["u"]);
        Assert.Equal(2, zero["f.0"]);
    }

    [Fact]
    public async Task Counters_and_device_state_survive_a_clean_cluster_restart()
    {
        var prefix = AzuriteFixture.NewPrefix();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var year = LocalYear(now);
        await using (var first = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix))
        {
            await Device(first.Client, "d1").IngestAsync(Begin("d1", now - 3_600_000));
            await first.StopAllSilosAsync();
        }

        await using var second = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix);
        var users = await Users(second.Client, year);
        Assert.Equal(1, users.Docs["0"]["u"]);

        // A returning device is not new after the restart.
        await Device(second.Client, "d1").IngestAsync(Begin("d1", now));
        Assert.True(await PipelineCluster.EventuallyAsync(async () => MonthSum(await Users(second.Client, year), "t") == 2));
        Assert.Equal(1, MonthSum(await Users(second.Client, year), "n"));
    }

    [Fact]
    public async Task A_retried_request_with_the_same_timestamp_is_counted_once()
    {
        var prefix = AzuriteFixture.NewPrefix();
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var request = Begin("d1", now) with { Fingerprint = 42 };

        Assert.Equal(IngestResult.Success, await Device(cluster.Client, "d1").IngestAsync(request));
        Assert.Equal(IngestResult.Duplicate, await Device(cluster.Client, "d1").IngestAsync(request));

        var year = LocalYear(now);
        Assert.True(await PipelineCluster.EventuallyAsync(async () => MonthSum(await Users(cluster.Client, year), "t") == 1));
        await Task.Delay(500);
        Assert.Equal(1, MonthSum(await Users(cluster.Client, year), "t"));
    }

    [Fact]
    public async Task A_bulk_of_one_device_waits_for_one_or_two_journal_segments_not_one_per_item()
    {
        var prefix = AzuriteFixture.NewPrefix();
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix);
        var journal = cluster.Silos[0].SiloHost.Services.GetRequiredService<IngestJournal>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var items = new List<IngestRequest> { Begin("b1", now - 200_000) with { Fingerprint = 1 } };
        for (var i = 1; i < 100; i++)
        {
            items.Add(Begin("b1", now - 200_000 + i) with { BeginSession = false, HasSessionDuration = true, SessionDuration = 1, Fingerprint = (ulong)i + 1 });
        }

        items.Add(items[95]);
        var segmentsBefore = journal.LastDelivered;

        var results = await Device(cluster.Client, "b1").IngestManyAsync([.. items]);

        // Each answer waits for its record, and they are all durable: every item but the resent one counts.
        Assert.All(results.Take(100), r => Assert.Equal(IngestResult.Success, r));
        Assert.Equal(IngestResult.Duplicate, results[100]);
        Assert.InRange(journal.LastDelivered - segmentsBefore, 1, 3);
        var year = LocalYear(now - 200_000);
        Assert.True(await PipelineCluster.EventuallyAsync(async () => MonthSum(await Users(cluster.Client, year), "d") == 99));
        Assert.Equal(1, MonthSum(await Users(cluster.Client, year), "t"));
    }

    [Fact]
    public async Task A_bulk_resent_after_a_crash_skips_the_items_it_applied_before()
    {
        var prefix = AzuriteFixture.NewPrefix();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var items = new List<IngestRequest> { Begin("r1", now - 200_000) with { Fingerprint = 1 } };
        for (var i = 1; i < 40; i++)
        {
            items.Add(Begin("r1", now - 200_000 + i) with { BeginSession = false, HasSessionDuration = true, SessionDuration = 1, Fingerprint = (ulong)i + 1 });
        }

        // The silo died in the middle of the bulk with 25 of its records durable: the begin and
        // 24 durations. The device state comes back from the journal's replay of the last one,
        // which runs the session rules again on the state before it (JournalReplay.Derive), so
        // its count of applied bulk items lags by that record, whose fingerprint is the newest
        // in the window. The counts of those 25 are not in this store, so whatever is counted
        // below comes from the re-sent bulk alone.
        var before = new DeviceState();
        var skip = before.BeginBulk(BulkResend.MarkOf(items));
        foreach (var item in items.Take(24))
        {
            SessionRules.Apply(before, item, TimeZones.Get(Zone), new CounterIncrements());
            before.BulkApplied++;
            before.Seq++;
        }

        var last = new JournalEntry { Seq = 25, StateBefore = DeviceStateCodec.Encode(before), Request = items[24] };
        JournalReplay.Derive(last);
        var crashed = DeviceStateCodec.Decode(last.StateAfter);
        Assert.Equal(24, crashed.BulkApplied);

        var devicesTable = new TableServiceClient(azurite.Azurite.ConnectionString).GetTableClient(prefix + "devices");
        await devicesTable.CreateIfNotExistsAsync();
        await devicesTable.UpsertEntityAsync(new TableEntity(KeyEncoding.Encode(DeviceBuckets.KeyOf(AppId, "r1", 16)), KeyEncoding.Encode("r1")) { ["Q"] = crashed.Seq, ["S"] = DeviceStateCodec.Encode(crashed) });
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix);

        var results = await Device(cluster.Client, "r1").IngestManyAsync([.. items]);

        Assert.Equal(0, skip);
        Assert.All(results.Take(25), r => Assert.Equal(IngestResult.Duplicate, r));
        Assert.All(results.Skip(25), r => Assert.Equal(IngestResult.Success, r));
        var year = LocalYear(now - 200_000);
        Assert.True(await PipelineCluster.EventuallyAsync(async () => MonthSum(await Users(cluster.Client, year), "d") == 15));
        Assert.Equal(0, MonthSum(await Users(cluster.Client, year), "t"));

        // Re-sent once more, now that it is whole: nothing counts again.
        Assert.All(await Device(cluster.Client, "r1").IngestManyAsync([.. items]), r => Assert.Equal(IngestResult.Duplicate, r));
        await Task.Delay(500);
        Assert.Equal(15, MonthSum(await Users(cluster.Client, year), "d"));
    }

    [Fact]
    public async Task Replay_of_a_crashed_journal_stops_at_its_first_missing_segment()
    {
        // A journal that died with segments 1, 2 and 4 written and 3 not (possible only with
        // several concurrent writes): 4 was never acknowledged, since answers go out in segment
        // order, so replay applies 1 and 2 only, and 4's request, re-sent, counts as new.
        var prefix = AzuriteFixture.NewPrefix();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix);
        var services = cluster.Silos[0].SiloHost.Services;
        var tables = services.GetRequiredService<TableStore>();
        var table = await tables.JournalAsync();
        const string dead = "crashed-journal";
        var requests = new Dictionary<long, IngestRequest>();
        foreach (var (segment, device) in new[] { (1L, "h1"), (2L, "h2"), (4L, "h4") })
        {
            requests[segment] = Begin(device, now - 200_000 + segment) with { Fingerprint = 1_000 + (ulong)segment };
            var entry = new JournalEntry { Seq = 1, StateBefore = DeviceStateCodec.Encode(new DeviceState()), Request = requests[segment] };
            await TableStore.SubmitAsync(table, JournalRows.Build(dead, segment, SegmentCodec.Encode([entry])), "journal-write");
        }

        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        await new JournalRecovery(cluster.Client, tables, options, Microsoft.Extensions.Logging.Abstractions.NullLogger<JournalRecovery>.Instance).ReplayAsync(dead, CancellationToken.None);

        var year = LocalYear(now - 200_000);
        Assert.True(await PipelineCluster.EventuallyAsync(async () => MonthSum(await Users(cluster.Client, year), "t") == 2));
        Assert.Empty(await TableStore.ReadPartitionAsync(table, dead, "journal-read", CancellationToken.None));
        Assert.Equal(IngestResult.Duplicate, await Device(cluster.Client, "h2").IngestAsync(requests[2]));
        Assert.Equal(IngestResult.Success, await Device(cluster.Client, "h4").IngestAsync(requests[4]));
        Assert.True(await PipelineCluster.EventuallyAsync(async () => MonthSum(await Users(cluster.Client, year), "t") == 3));
        await Task.Delay(500);
        Assert.Equal(3, MonthSum(await Users(cluster.Client, year), "t"));
    }

    [Fact]
    public async Task Device_states_are_stored_in_pages_and_rows_of_the_old_layout_move_into_them()
    {
        var prefix = AzuriteFixture.NewPrefix();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var year = LocalYear(now);
        var devicesTable = new TableServiceClient(azurite.Azurite.ConnectionString).GetTableClient(prefix + "devices");
        await devicesTable.CreateIfNotExistsAsync();

        // A device stored the way buckets stored devices before pages: a row of its own.
        var old = new DeviceState { Seq = 1, FirstSeen = now - 86_400_000, LastSeen = now - 86_400_000, SessionCount = 1 };
        var oldPartition = KeyEncoding.Encode(DeviceBuckets.KeyOf(AppId, "old device", 16));
        var oldRow = KeyEncoding.Encode("old device");
        await devicesTable.UpsertEntityAsync(new TableEntity(oldPartition, oldRow) { ["Q"] = 1L, ["S"] = DeviceStateCodec.Encode(old) });

        await using (var first = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix))
        {
            for (var i = 0; i < 40; i++)
            {
                Assert.Equal(IngestResult.Success, await Device(first.Client, $"p{i}").IngestAsync(Begin($"p{i}", now - 3_600_000)));
            }

            Assert.Equal(IngestResult.Success, await Device(first.Client, "old device").IngestAsync(Begin("old device", now - 3_600_000)));
            Assert.True(await PipelineCluster.EventuallyAsync(async () => MonthSum(await Users(first.Client, year), "t") == 41));
            Assert.Equal(40, MonthSum(await Users(first.Client, year), "n"));
            await first.StopAllSilosAsync();
        }

        var rows = new List<TableEntity>();
        await foreach (var row in devicesTable.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        // 41 devices over 16 buckets: one page row and one watermark row per bucket that has devices, no row per device.
        var dataRows = rows.Where(r => r.RowKey != "~meta").ToList();
        Assert.All(dataRows, r => Assert.True(DevicePages.TryParseRowKey(r.RowKey, out var page) && page == 0, r.RowKey));
        Assert.DoesNotContain(rows, r => r.PartitionKey == oldPartition && r.RowKey == oldRow);
        Assert.Equal(dataRows.Count, dataRows.Select(r => r.PartitionKey).Distinct().Count());
        Assert.InRange(dataRows.Count, 2, 16);

        await using var second = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, prefix);
        foreach (var id in new[] { "p7", "old device" })
        {
            await Device(second.Client, id).IngestAsync(Begin(id, now));
        }

        Assert.True(await PipelineCluster.EventuallyAsync(async () => MonthSum(await Users(second.Client, year), "t") == 43));
        Assert.Equal(40, MonthSum(await Users(second.Client, year), "n"));
    }

    private static IDeviceGrain Device(IGrainFactory grains, string deviceId) => grains.GetGrain<IDeviceGrain>(DeviceGrain.KeyOf(AppId, deviceId));

    private static Task<CounterSnapshot> Users(IGrainFactory grains, int year) =>
        grains.GetGrain<ICounterGrain>(new CounterKey(AppId, year, Collections.Users).ToString()).ReadAsync(null);

    private static int LocalYear(long ms) => Analytics.Grains.Domain.LocalTime.Of(ms, Analytics.Grains.Domain.TimeZones.Get(Zone)).Year;

    private static decimal YearTotal(CounterSnapshot s, string prop) => s.Docs.TryGetValue("0", out var zero) ? zero.GetValueOrDefault(prop) : 0;

    private static decimal MonthSum(CounterSnapshot s, string prop) =>
        s.Docs.Where(d => d.Key != "0").SelectMany(d => d.Value).Where(kv => kv.Key.Count(c => c == '.') == 1 && kv.Key.EndsWith("." + prop, StringComparison.Ordinal)).Sum(kv => kv.Value);

    private static IngestRequest Begin(string deviceId, long ts) => new()
    {
        AppId = AppId,
        DeviceId = deviceId,
        Timestamp = ts,
        ReceivedAt = ts,
        TimeZone = Zone,
        BeginSession = true,
    };
}
