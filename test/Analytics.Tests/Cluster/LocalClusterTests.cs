using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Cluster;

/// <summary>
/// A real multi-process cluster on loopback (issue 7): Azurite, three silo processes on Azure
/// Table clustering and one separate frontend process (an Orleans client). SDK-style traffic
/// with retries goes through the frontend while one silo is killed with SIGKILL; the cluster
/// keeps serving and the final counts are exact. Then a fourth silo joins and takes grains.
/// </summary>
public sealed class LocalClusterTests
{
    [Fact]
    public async Task A_killed_silo_loses_and_double_counts_nothing_and_a_new_silo_takes_grains()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var prefix = AzuriteFixture.NewPrefix();
        var adminKey = Guid.NewGuid().ToString("N");
        var clustered = ServerProcess.Clustered(prefix);
        var silos = new List<ServerProcess>();
        ServerProcess? frontend = null;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(await ServerProcess.StartAsync(azurite.ConnectionString, prefix, clustered, adminKey));
            }

            frontend = await ServerProcess.StartAsync(azurite.ConnectionString, prefix, clustered, adminKey, ServerProcess.FrontendDll());
            using var api = new CountlyClient(frontend.Client(), adminKey);
            var (appId, appKey) = await api.CreateAppAsync(timezone: "UTC");
            var start = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000) - 1) * 3_600_000 + 60_000;
            const int devices = 150;
            var sessions = Enumerable.Range(0, devices).Select(i => SdkStyleClient.Session($"k-{i}", start + (i * 10))).ToList();
            var client = new SdkStyleClient(() => frontend.BaseAddress, appKey);
            var run = client.RunAsync(sessions, parallelism: 12, new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

            Assert.True(await CountlyClient.EventuallyAsync(() => Task.FromResult(client.Delivered >= 200), TimeSpan.FromSeconds(90)));
            await silos[1].KillAsync();
            var atKill = client.Delivered;

            // The surviving silos keep serving while the dead one is detected.
            Assert.True(await CountlyClient.EventuallyAsync(() => Task.FromResult(client.Delivered >= atKill + 50), TimeSpan.FromSeconds(30)), "no progress after the kill");
            await run;
            Assert.Equal(devices * 5, client.Delivered);

            var year = DateTimeOffset.FromUnixTimeMilliseconds(start).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var body = await api.ReadUntilAsync(appId, "sessions", j => j?[year]?["e"]?.GetValue<long>() == devices * 5, timeout: TimeSpan.FromSeconds(90));
            var totals = JsonNode.Parse(body)![year]!;
            Assert.Equal(devices, totals["t"]!.GetValue<long>());
            Assert.Equal(devices, totals["n"]!.GetValue<long>());
            Assert.Equal(devices, totals["u"]!.GetValue<long>());
            Assert.Equal(devices * 5, totals["e"]!.GetValue<long>());
            Assert.Equal(devices * 30, totals["d"]!.GetValue<long>());
            var events = (await api.ReadAsync(appId, "events", "&event=purchase")).Json![year]!;
            Assert.Equal(devices * 4, events["c"]!.GetValue<long>());

            // A new silo joins: new device grains are placed on it too. Placement considers a silo
            // only once the cluster has its load statistics, and the frontend learns of a new
            // gateway only when it refreshes its list, so new devices keep arriving (a batch of
            // 20 sessions at a time) until one lands there or the deadline passes.
            var fourth = await ServerProcess.StartAsync(azurite.ConnectionString, prefix, clustered, adminKey);
            silos.Add(fourth);
            var late = new SdkStyleClient(() => frontend.BaseAddress, appKey);
            var batch = 0;
            Assert.True(
                await CountlyClient.EventuallyAsync(
                    async () =>
                    {
                        var more = Enumerable.Range(batch++ * 20, 20).Select(i => SdkStyleClient.Session($"late-{i}", start + 100_000 + (i * 10))).ToList();
                        await late.RunAsync(more, 12, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
                        return await DeviceActivationsAsync(fourth) > 0;
                    },
                    TimeSpan.FromSeconds(120)),
                $"the new silo took no device grains ({batch * 20} new devices sent)");
        }
        finally
        {
            if (frontend is not null)
            {
                await frontend.DisposeAsync();
            }

            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>Device grains activated on a silo so far, from its Prometheus endpoint.</summary>
    private static async Task<long> DeviceActivationsAsync(ServerProcess silo)
    {
        using var http = silo.Client();
        var metrics = await http.GetStringAsync("/metrics");
        long total = 0;
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith("orleans_catalog_activation_created", StringComparison.Ordinal) && line.Contains("grain_type=\"device\"", StringComparison.Ordinal))
            {
                total += (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
