using Analytics.Grains;
using Analytics.Grains.Counters;
using Analytics.Grains.Devices;
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
