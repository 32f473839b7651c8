using System.Net;
using Analytics.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Analytics.Tests.Cluster;

/// <summary>
/// The separate frontend tier (Frontend.Host processes, Orleans clients of the silos): what a
/// frontend does while it cannot reach the cluster, after a reset made through a silo, and when it
/// is stopped with requests in flight (from a review on 2026-11-28; the first two failed before).
/// </summary>
public sealed class FrontendTierTests(ITestOutputHelper output)
{
    /// <summary>
    /// The only silo stops cleanly: the frontend can serve nothing (every /i is 503), so its
    /// readiness probe and /o/ping must say so, or a load balancer keeps sending SDK traffic to a
    /// frontend that cannot reach the cluster while other frontends could.
    /// </summary>
    [Fact]
    public async Task A_frontend_is_not_ready_while_it_cannot_reach_any_silo()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        var adminKey = cluster.AdminKey;
        await using var silo = await cluster.SiloAsync();
        await using var frontend = await cluster.FrontendAsync();
        using var api = new CountlyClient(frontend.Client(), adminKey);
        var (_, appKey) = await api.CreateAppAsync(timezone: "UTC");
        Assert.Equal(HttpStatusCode.OK, (await api.WriteAsync(appKey, "d1", ("begin_session", "1"))).Status);

        await silo.StopAsync();
        var write = await api.WriteAsync(appKey, "d2", ("begin_session", "1"));
        var ready = await api.GetAsync("/health/ready");
        var ping = await api.GetAsync("/o/ping");
        output.WriteLine($"no silo: /i {(int)write.Status} {write.Body}; /health/ready {(int)ready.Status}; /o/ping {(int)ping.Status} {ping.Body}");
        Assert.NotEqual(HttpStatusCode.OK, write.Status);

        // Give the accounts refresh (2 s) time to notice.
        await Task.Delay(8000);
        ready = await api.GetAsync("/health/ready");
        ping = await api.GetAsync("/o/ping");
        output.WriteLine($"8 s later: /health/ready {(int)ready.Status}; /o/ping {(int)ping.Status} {ping.Body}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ping.Status);
    }

    /// <summary>
    /// A request a frontend acknowledges right after a reset made through a silo answered is
    /// counted, even when that frontend is configured to refresh its accounts copy less often: the
    /// reset used to wait its own process's AccountsRefreshMs + 1 s, and a frontend with a longer
    /// one stamped the request with the old epoch, answered 200, and the counter grains dropped it.
    /// The refresh period is now at most 2 s and the reset waits a bound every process keeps.
    /// </summary>
    [Fact]
    public async Task A_request_acknowledged_by_a_frontend_right_after_a_reset_is_counted_whatever_its_refresh_setting()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        var adminKey = cluster.AdminKey;
        await using var silo = await cluster.SiloAsync();
        await using var frontend = await cluster.FrontendAsync(("Analytics__Frontend__AccountsRefreshMs", "8000"));
        using var viaSilo = new CountlyClient(silo.Client(), adminKey);
        using var viaFrontend = new CountlyClient(frontend.Client(), adminKey);
        var (appId, appKey) = await viaSilo.CreateAppAsync(timezone: "UTC");
        var t = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000) - 1) * 3_600_000;
        var year = DateTimeOffset.FromUnixTimeMilliseconds(t).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await CountlyClient.EventuallyAsync(
            async () => (await viaFrontend.WriteAsync(appKey, "before", ("begin_session", "1"), ("timestamp", t.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30)));
        await viaSilo.ReadUntilAsync(appId, "sessions", j => j?[year]?["t"]?.GetValue<long>() == 1);

        var reset = await viaSilo.ManageAsync("/i/apps/reset", new System.Text.Json.Nodes.JsonObject { ["app_id"] = appId, ["period"] = "reset" });
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        var after = await viaFrontend.WriteAsync(appKey, "after", ("begin_session", "1"), ("timestamp", (t + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.OK, after.Status);

        var sessions = await viaSilo.ReadUntilAsync(appId, "sessions", j => j?[year]?["t"]?.GetValue<long>() == 1, timeout: TimeSpan.FromSeconds(20));
        output.WriteLine(sessions);
        Assert.Equal(1, System.Text.Json.Nodes.JsonNode.Parse(sessions)?[year]?["t"]?.GetValue<long>());
    }

    /// <summary>SIGTERM to a frontend with /i requests in flight: every 200 it gave is counted.</summary>
    [Fact]
    public async Task A_frontend_stopped_with_requests_in_flight_loses_no_acknowledged_request()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        var adminKey = cluster.AdminKey;
        await using var silo = await cluster.SiloAsync();
        await using var frontend = await cluster.FrontendAsync();
        using var viaSilo = new CountlyClient(silo.Client(), adminKey);
        using var viaFrontend = new CountlyClient(frontend.Client(), adminKey);
        var (appId, appKey) = await viaFrontend.CreateAppAsync(timezone: "UTC");
        var t = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000) - 1) * 3_600_000;
        var year = DateTimeOffset.FromUnixTimeMilliseconds(t).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ok = 0;
        var other = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var sends = Enumerable.Range(0, 400).Select(async i =>
        {
            await Task.Delay(i * 5);
            try
            {
                var a = await viaFrontend.WriteAsync(appKey, $"s{i}", ("begin_session", "1"), ("timestamp", (t + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (a.Status == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref ok);
                }
                else
                {
                    other.AddOrUpdate(((int)a.Status).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                }
            }
            catch (Exception e)
            {
                other.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
            }
        }).ToList();
        await Task.Delay(1000);
        await frontend.StopAsync();
        await Task.WhenAll(sends);
        output.WriteLine($"200: {ok}; other: {string.Join(", ", other.Select(o => $"{o.Key}={o.Value}"))}");
        output.WriteLine(frontend.Log.Length > 3000 ? frontend.Log[^3000..] : frontend.Log);
        var sessions = await viaSilo.ReadUntilAsync(appId, "sessions", j => j?[year]?["t"]?.GetValue<long>() >= ok, timeout: TimeSpan.FromSeconds(20));
        output.WriteLine(sessions);
        Assert.True(System.Text.Json.Nodes.JsonNode.Parse(sessions)?[year]?["t"]?.GetValue<long>() >= ok);
    }
}
