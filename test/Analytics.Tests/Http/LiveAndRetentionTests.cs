using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Live counts and retention cohorts over real HTTP (issue 4).</summary>
[Collection(nameof(ServerCollection))]
public sealed class LiveAndRetentionTests(ServerFixture fixture)
{
    [Fact]
    public async Task An_open_session_is_online_within_five_seconds_and_offline_after_it_ends()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();

        await api.WriteAsync(appKey, "live-1", ("begin_session", "1"));
        await api.WriteAsync(appKey, "live-2", ("begin_session", "1"));
        Assert.True(await CountlyClient.EventuallyAsync(async () => Online(await api.ReadAsync(appId, "live")) == 2, TimeSpan.FromSeconds(5)));
        var live = (await api.ReadAsync(appId, "live")).Json!;
        Assert.Equal(2, live["n"]!.GetValue<long>());
        Assert.True(live["om"]!.GetValue<long>() >= 2);

        await api.WriteAsync(appKey, "live-1", ("end_session", "1"));
        Assert.True(await CountlyClient.EventuallyAsync(async () => Online(await api.ReadAsync(appId, "live")) == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(2, (await api.ReadAsync(appId, "live")).Json!["om"]!.GetValue<long>());
    }

    [Fact]
    public async Task Resetting_an_app_clears_its_online_users_and_maxima()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await api.WriteAsync(appKey, "reset-1", ("begin_session", "1"));
        Assert.True(await CountlyClient.EventuallyAsync(async () => Online(await api.ReadAsync(appId, "live")) == 1, TimeSpan.FromSeconds(5)));

        await api.ManageAsync("/i/apps/reset", new JsonObject { ["app_id"] = appId, ["period"] = "reset" });

        // Several reports later the silo still counts nobody from before the reset.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Expect.Json(await api.ReadAsync(appId, "live"), """{"o":0,"n":0,"om":0,"nm":0}""");

        await api.WriteAsync(appKey, "reset-2", ("begin_session", "1"));
        Assert.True(await CountlyClient.EventuallyAsync(async () => Online(await api.ReadAsync(appId, "live")) == 1, TimeSpan.FromSeconds(5)));
        Expect.Json(await api.ReadAsync(appId, "live"), """{"o":1,"n":1,"om":1,"nm":1}""");
    }

    [Fact]
    public async Task The_live_graph_has_sixty_minutes_with_this_minutes_sessions_and_requests()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();

        await api.WriteAsync(appKey, "g-1", ("begin_session", "1"));
        await api.WriteAsync(appKey, "g-1", ("events", """[{"key":"a","count":3}]"""));

        JsonArray? graph = null;
        Assert.True(await CountlyClient.EventuallyAsync(async () =>
        {
            graph = (await api.ReadAsync(appId, "live_graph")).Json!.AsArray();
            return graph.Sum(p => p!["r"]!.GetValue<long>()) == 2;
        }, TimeSpan.FromSeconds(5)));
        Assert.Equal(60, graph!.Count);
        Assert.Equal(1, graph.Sum(p => p!["s"]!.GetValue<long>()));
        Assert.Equal(3, graph.Sum(p => p!["e"]!.GetValue<long>()));
        Assert.True(graph[59]!["time"]!.GetValue<long>() > graph[0]!["time"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_device_id_merge_is_one_request_and_no_new_session_in_the_live_graph()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();

        await api.WriteAsync(appKey, "anon", ("begin_session", "1"));
        await api.WriteAsync(appKey, "known", ("old_device_id", "anon"));

        // The merge's second step (the old id emptying itself) is no request of any client.
        JsonArray? graph = null;
        Assert.True(await CountlyClient.EventuallyAsync(async () =>
        {
            graph = (await api.ReadAsync(appId, "live_graph")).Json!.AsArray();
            return graph.Sum(p => p!["r"]!.GetValue<long>()) >= 2;
        }, TimeSpan.FromSeconds(5)));
        await Task.Delay(TimeSpan.FromSeconds(2));
        graph = (await api.ReadAsync(appId, "live_graph")).Json!.AsArray();
        Assert.Equal(2, graph.Sum(p => p!["r"]!.GetValue<long>()));
        Assert.Equal(1, graph.Sum(p => p!["s"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Devices_returning_on_day_one_and_day_seven_count_in_their_cohort()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync(timezone: "UTC");
        var today = DateTime.UtcNow.Date;
        var cohort = today.AddDays(-8).AddHours(12);
        string Ts(DateTime t) => new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        // A: first session on the cohort day, back on day 1 and day 7. B: same cohort, back on day 7 only.
        await api.WriteAsync(appKey, "r-a", ("begin_session", "1"), ("timestamp", Ts(cohort)));
        await api.WriteAsync(appKey, "r-b", ("begin_session", "1"), ("timestamp", Ts(cohort.AddMinutes(5))));
        await api.WriteAsync(appKey, "r-a", ("begin_session", "1"), ("timestamp", Ts(cohort.AddDays(1))));
        await api.WriteAsync(appKey, "r-a", ("begin_session", "1"), ("timestamp", Ts(cohort.AddDays(7))));
        await api.WriteAsync(appKey, "r-b", ("begin_session", "1"), ("timestamp", Ts(cohort.AddDays(7).AddMinutes(5))));

        var id = cohort.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        JsonNode? row = null;
        Assert.True(await CountlyClient.EventuallyAsync(async () =>
        {
            var rows = (await api.ReadAsync(appId, "retention", "&period=adaily&span=10&rettype=classic")).Json?.AsArray();
            row = rows?.FirstOrDefault(r => r!["_id"]!.GetValue<string>() == id);
            return row?["7"]?.GetValue<long>() == 2;
        }), row?.ToJsonString());
        Assert.Equal(2, row!["tu"]!.GetValue<long>());
        Assert.Equal(1, row["1"]!.GetValue<long>());
        Assert.Equal(0, row["2"]!.GetValue<long>());
        Assert.Equal(2, row["7"]!.GetValue<long>());

        var full = (await api.ReadAsync(appId, "retention", "&period=adaily&span=10&rettype=full")).Json!.AsArray().First(r => r!["_id"]!.GetValue<string>() == id)!;
        Assert.Equal(1, full["1"]!.GetValue<long>());
        Assert.Equal(0, full["7"]!.GetValue<long>());
        var unbounded = (await api.ReadAsync(appId, "retention", "&period=adaily&span=10&rettype=unbounded")).Json!.AsArray().First(r => r!["_id"]!.GetValue<string>() == id)!;
        Assert.Equal(2, unbounded["1"]!.GetValue<long>());
        Assert.Equal(2, unbounded["7"]!.GetValue<long>());
        Assert.Equal(0, unbounded["8"]!.GetValue<long>());
    }

    [Fact]
    public async Task Retention_rejects_an_unknown_period_with_400()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var answer = await api.ReadAsync(appId, "retention", "&period=hourly");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("""{"result":"Invalid period"}""", answer.Body);
    }

    [Theory]
    [InlineData("[9000000000000000000,9000000000000000000]")]
    [InlineData("[253402300800000,253402300800001]")]
    public async Task Retention_rejects_a_range_past_the_calendar_with_400(string range)
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        var answer = await api.ReadAsync(appId, "retention", "&period=adaily&range=" + Uri.EscapeDataString(range));

        Assert.Equal((System.Net.HttpStatusCode.BadRequest, """{"result":"Invalid range"}"""), (answer.Status, answer.Body));
    }

    [Theory]
    [InlineData("&query=%7B%22up.cc%22%3A%22US%22", "400 Unsupported query")]
    [InlineData("&query=bad", "400 Unsupported query")]
    [InlineData("&query=%7B%7D", "200")]
    [InlineData("&query=", "200")]
    [InlineData("&range=%5B0%2C1795824000000%5D", "400 Invalid range")]
    [InlineData("&range=%5B1795824000000%2C1795910400000%5D", "200")]
    public async Task Retention_refuses_a_filter_it_cannot_read_and_a_range_it_would_have_to_cut(string extra, string expected)
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        var answer = await api.ReadAsync(appId, "retention", "&period=adaily" + extra);

        var message = answer.Json is JsonObject o && o["result"] is { } r ? " " + r.GetValue<string>() : "";
        Assert.Equal(expected, (int)answer.Status + (answer.Status == System.Net.HttpStatusCode.OK ? "" : message));
    }

    private static long Online(CountlyClient.Answer a) => a.Json?["o"]?.GetValue<long>() ?? -1;
}
