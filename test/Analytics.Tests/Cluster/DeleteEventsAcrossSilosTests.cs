using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Cluster;

/// <summary>
/// Two silo processes, each with its own journal and aggregator: deleting an event through one
/// must erase what both acknowledged before it, without waiting out the aggregators' interval
/// (each journal, the other silo's through a grain call, brings the event's counter grains up to
/// date first), and count what comes after it.
/// </summary>
public sealed class DeleteEventsAcrossSilosTests
{
    private const int FlushMs = 15_000;

    [Fact]
    public async Task Events_acknowledged_by_either_silo_before_a_delete_stay_erased_after_it()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        var adminKey = cluster.AdminKey;
        var flush = ("Analytics__Storage__AggregateFlushMs", FlushMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var first = await cluster.SiloAsync(flush);
        await using var second = await cluster.SiloAsync(flush);
        using var viaFirst = new CountlyClient(first.Client(), adminKey);
        using var viaSecond = new CountlyClient(second.Client(), adminKey);
        var (appId, appKey) = await viaFirst.CreateAppAsync(timezone: "UTC");
        var t = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000) - 1) * 3_600_000;
        var year = DateTimeOffset.FromUnixTimeMilliseconds(t).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Stamp(long ms) => ms.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // The event is known and counted before the test starts.
        Assert.True(await CountlyClient.EventuallyAsync(
            async () => (await viaSecond.WriteAsync(appKey, "first", ("timestamp", Stamp(t)), ("events", """[{"key":"buy","count":1}]"""))).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30)));
        await viaFirst.ReadUntilAsync(appId, "events", j => j?[year]?["c"]?.GetValue<long>() == 1, "&event=buy", TimeSpan.FromSeconds(FlushMs / 1000 + 20));

        // Acknowledged through both frontends, for devices placed on either silo, then deleted.
        for (var i = 0; i < 20; i++)
        {
            var api = i % 2 == 0 ? viaFirst : viaSecond;
            var sent = await api.WriteAsync(appKey, "d" + i, ("timestamp", Stamp(t + 1000 + i)), ("events", """[{"key":"buy","count":5}]"""));
            Assert.Equal(HttpStatusCode.OK, sent.Status);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var deleted = await viaFirst.GetAsync($"/i/events/delete_events?api_key={adminKey}&app_id={appId}&events=" + Uri.EscapeDataString("""["buy"]"""));
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.True(clock.ElapsedMilliseconds < FlushMs, $"the delete took {clock.ElapsedMilliseconds} ms");

        // After it: only what is sent after it, also once both aggregators have sent everything.
        var after = await viaSecond.WriteAsync(appKey, "after", ("timestamp", Stamp(t + 5000)), ("events", """[{"key":"buy","count":2}]"""));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        await viaFirst.ReadUntilAsync(appId, "events", j => j?[year]?["c"] is not null, "&event=buy", TimeSpan.FromSeconds(FlushMs / 1000 + 20));
        await Task.Delay(FlushMs + 3000);
        var body = (await viaFirst.ReadAsync(appId, "events", "&event=buy")).Body;
        Assert.Equal(2, JsonNode.Parse(body)?[year]?["c"]?.GetValue<long>());
    }
}
