using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Cluster;

/// <summary>Live numbers with two silo processes: each silo's devices add up, whichever frontend is asked.</summary>
public sealed class LiveAcrossSilosTests
{
    [Fact]
    public async Task Devices_online_through_two_silos_add_up_and_go_offline_through_either()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        await using var first = await cluster.SiloAsync();
        await using var second = await cluster.SiloAsync();
        using var viaFirst = new CountlyClient(first.Client(), cluster.AdminKey);
        using var viaSecond = new CountlyClient(second.Client(), cluster.AdminKey);
        var (appId, appKey) = await TenDevicesOnlineThroughBothAsync(viaFirst, viaSecond);

        Assert.True(await CountlyClient.EventuallyAsync(async () => Online(await viaFirst.ReadAsync(appId, "live")) == 10 && Online(await viaSecond.ReadAsync(appId, "live")) == 10, TimeSpan.FromSeconds(10)));

        for (var i = 0; i < 10; i += 2)
        {
            Assert.Equal(HttpStatusCode.OK, (await viaSecond.WriteAsync(appKey, "d" + i, ("end_session", "1"))).Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await viaFirst.WriteAsync(appKey, "merged", ("old_device_id", "d1"))).Status);
        Assert.True(await CountlyClient.EventuallyAsync(async () => Online(await viaSecond.ReadAsync(appId, "live")) == 5, TimeSpan.FromSeconds(10)));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var live = (await viaFirst.ReadAsync(appId, "live")).Json!;
        Assert.Equal(5, live["o"]!.GetValue<long>());
        Assert.Equal(5, live["n"]!.GetValue<long>());
        Assert.Equal(10, live["om"]!.GetValue<long>());
        var graph = (await viaSecond.ReadAsync(appId, "live_graph")).Json!.AsArray();
        Assert.Equal(10, graph.Sum(p => p!["s"]!.GetValue<long>()));
        Assert.Equal(1 + 10 + 5 + 1, graph.Sum(p => p!["r"]!.GetValue<long>()));
    }

    [Fact]
    public async Task A_reset_through_one_silo_takes_the_other_silos_devices_offline()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        await using var first = await cluster.SiloAsync();
        await using var second = await cluster.SiloAsync();
        using var viaFirst = new CountlyClient(first.Client(), cluster.AdminKey);
        using var viaSecond = new CountlyClient(second.Client(), cluster.AdminKey);
        var (appId, appKey) = await TenDevicesOnlineThroughBothAsync(viaFirst, viaSecond);

        Assert.True(await CountlyClient.EventuallyAsync(async () => Online(await viaFirst.ReadAsync(appId, "live")) == 10, TimeSpan.FromSeconds(10)));
        Assert.Equal(HttpStatusCode.OK, (await viaSecond.ManageAsync("/i/apps/reset", new JsonObject { ["app_id"] = appId, ["period"] = "reset" })).Status);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                await (i % 2 == 0 ? viaSecond : viaFirst).WriteAsync(appKey, "d" + i, ("session_duration", "5"));
            }

            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Equal("""{"o":0,"n":0,"om":0,"nm":0}""", (await viaFirst.ReadAsync(appId, "live")).Body);
        }

        await viaSecond.WriteAsync(appKey, "d1", ("begin_session", "1"));
        Assert.True(await CountlyClient.EventuallyAsync(async () => (await viaFirst.ReadAsync(appId, "live")).Body == """{"o":1,"n":1,"om":1,"nm":1}""", TimeSpan.FromSeconds(10)));
    }

    /// <summary>An app, once both silos take its requests, with devices d0..d9 begun alternately through the two.</summary>
    private static async Task<(string AppId, string AppKey)> TenDevicesOnlineThroughBothAsync(CountlyClient viaFirst, CountlyClient viaSecond)
    {
        var (appId, appKey) = await viaFirst.CreateAppAsync(timezone: "UTC");
        Assert.True(await CountlyClient.EventuallyAsync(
            async () => (await viaSecond.WriteAsync(appKey, "probe", ("events", """[{"key":"x"}]"""))).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30)));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await (i % 2 == 0 ? viaFirst : viaSecond).WriteAsync(appKey, "d" + i, ("begin_session", "1"))).Status);
        }

        return (appId, appKey);
    }

    private static long Online(CountlyClient.Answer a) => a.Json?["o"]?.GetValue<long>() ?? -1;
}
