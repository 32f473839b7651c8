using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sdk;

/// <summary>
/// The real, unmodified <c>countly-sdk-nodejs</c> (24.10.4) drives three devices through a whole
/// session each: begin_session with metrics, segmented events, the SDK's own session extension
/// (<c>session_duration</c>) and end_session. Every number read back through <c>/o</c> equals
/// Countly's rules (<see cref="CountlyModel"/>) applied to exactly the requests the SDK sent.
/// </summary>
[Collection(nameof(SdkCollection))]
public sealed class NodeSdkSessionTests(ServerFixture fixture)
{
    private const string TimeZone = "Asia/Kolkata";

    [Fact]
    public async Task Three_devices_sessions_metrics_and_events_read_back_with_Countlys_numbers()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync("Node SDK sessions", TimeZone);
        JsonObject[] devices =
        [
            Device("node-a", "1.2", new() { ["_os"] = "Android", ["_os_version"] = "13", ["_device"] = "Pixel 7", ["_resolution"] = "1080x2400", ["_carrier"] = "vodafone" },
                Purchase(2, 9.99m, 3, "DE", "pro")),
            Device("node-b", "1.2", new() { ["_os"] = "iOS", ["_os_version"] = "17.2", ["_device"] = "iPhone15,2", ["_resolution"] = "1170x2532", ["_carrier"] = "T-MOBILE" },
                Purchase(1, 20m, 1.5m, "US", "basic"),
                new JsonObject { ["key"] = "level_up", ["count"] = 1, ["segmentation"] = new JsonObject { ["level"] = "5", ["mode"] = "hard" } }),
            Device("node-c", "2", new() { ["_os"] = "Android", ["_os_version"] = "14", ["_device"] = "Galaxy S23", ["_resolution"] = "1080x2400", ["_carrier"] = "vodafone" },
                Purchase(3, 4.5m, 2, "DE", "basic")),
        ];

        var runs = await Task.WhenAll(devices.Select(d => NodeScript.RunAsync("sdk-session.js", fixture.Server.BaseAddress, appKey, d)));

        var model = new CountlyModel(TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        foreach (var run in runs)
        {
            run.AssertFinished();
            var sent = run.Exchanges;
            AssertSdkSession(sent, run);
            foreach (var x in sent)
            {
                model.Apply(x.JsonParams);
            }
        }

        var year = model.Sessions.First().Key;
        Assert.Equal(3m, model.Sessions[year]!["t"]!.GetValue<decimal>());
        Assert.Equal(3m, model.Sessions[year]!["n"]!.GetValue<decimal>());

        await SdkReads.ExpectAsync(api, appId, "sessions", "", j => TimeObjects.Project(j, TimeObjects.SessionKeys), model.Sessions, string.Join("\n", runs.Select(r => r.ToString())));

        await SdkReads.ExpectAsync(api, appId, "events", "&event=purchase", TimeObjects.WithoutMeta, model.Event("purchase"));
        var byCountry = await SdkReads.ExpectAsync(api, appId, "events", "&event=purchase&segmentation=country", TimeObjects.WithoutMeta, model.EventBySegment("purchase", "country"));
        await SdkReads.ExpectAsync(api, appId, "events", "&event=purchase&segmentation=plan", TimeObjects.WithoutMeta, model.EventBySegment("purchase", "plan"));
        await SdkReads.ExpectAsync(api, appId, "events", "&event=level_up&segmentation=level", TimeObjects.WithoutMeta, model.EventBySegment("level_up", "level"));
        Assert.Equal(SdkReads.Sorted("country", "plan"), SdkReads.Sorted(byCountry!["meta"]!["segments"]));
        Assert.Equal(SdkReads.Sorted("DE", "US"), SdkReads.Sorted(byCountry["meta"]!["country"]));
        Assert.Equal(SdkReads.Sorted("basic", "pro"), SdkReads.Sorted(byCountry["meta"]!["plan"]));

        // Sums of purchase at year level, written out: 2+1+3 purchases, 9.99+20+4.5, 3+1.5+2.
        var plain = model.Event("purchase")[year]!;
        Assert.True(TimeObjects.Same(JsonNode.Parse("""{"c":6,"s":34.49,"dur":6.5}"""), new JsonObject { ["c"] = plain["c"]?.DeepClone(), ["s"] = plain["s"]?.DeepClone(), ["dur"] = plain["dur"]?.DeepClone() }));

        var events = (await api.ReadAsync(appId, "get_events")).Json!;
        Assert.Equal(SdkReads.Sorted("level_up", "purchase"), SdkReads.Sorted(events["list"]));
        Assert.Equal(SdkReads.Sorted("country", "plan"), SdkReads.Sorted(events["segments"]!["purchase"]));
        Assert.Equal(SdkReads.Sorted("level", "mode"), SdkReads.Sorted(events["segments"]!["level_up"]));

        // Metrics (spec §1.9): OS prefixes, "2" -> "2.0", '.' -> ':', Countly's iOS device type.
        var one = JsonNode.Parse("""{"t":1,"n":1,"u":1}""");
        var two = JsonNode.Parse("""{"t":2,"n":2,"u":2}""");
        var details = await SdkReads.ExpectAsync(api, appId, "device_details", "", j => SdkReads.YearValues(j, year), new JsonObject
        {
            ["Android"] = two!.DeepClone(),
            ["iOS"] = one!.DeepClone(),
            ["a13"] = one.DeepClone(),
            ["a14"] = one.DeepClone(),
            ["i17:2"] = one.DeepClone(),
            ["1080x2400"] = two.DeepClone(),
            ["1170x2532"] = one.DeepClone(),
            ["1:2"] = two.DeepClone(),
            ["2:0"] = one.DeepClone(),
            ["mobile"] = one.DeepClone(),
        });
        var meta = details!["meta"]!;
        Assert.Equal(SdkReads.Sorted("Android", "iOS"), SdkReads.Sorted(meta["os"]));
        Assert.Equal(SdkReads.Sorted("a13", "a14", "i17:2"), SdkReads.Sorted(meta["os_versions"]));
        Assert.Equal(SdkReads.Sorted("1080x2400", "1170x2532"), SdkReads.Sorted(meta["resolutions"]));
        Assert.Equal(SdkReads.Sorted("1:2", "2:0"), SdkReads.Sorted(meta["app_versions"]));
        Assert.Equal(SdkReads.Sorted("mobile"), SdkReads.Sorted(meta["device_type"]));

        var carriers = await SdkReads.ExpectAsync(api, appId, "carriers", "", j => SdkReads.YearValues(j, year), new JsonObject
        {
            ["Vodafone"] = two.DeepClone(),
            ["T-mobile"] = one.DeepClone(),
        });
        Assert.Equal(SdkReads.Sorted("T-mobile", "Vodafone"), SdkReads.Sorted(carriers!["meta"]!["carriers"]));

        await SdkReads.ExpectAsync(api, appId, "devices", "", j => SdkReads.YearValues(j, year), new JsonObject
        {
            ["Pixel 7"] = one.DeepClone(),
            ["iPhone15,2"] = one.DeepClone(),
            ["Galaxy S23"] = one.DeepClone(),
            ["Apple"] = one.DeepClone(),
        });
    }

    [Fact]
    public async Task A_device_id_change_with_merge_keeps_one_user_and_one_session()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync("Node SDK change id", TimeZone);

        var run = await NodeScript.RunAsync("sdk-change-id.js", fixture.Server.BaseAddress, appKey, new JsonObject { ["deviceId"] = "anonymous-1", ["newId"] = "user-1" });

        run.AssertFinished();
        var sent = run.Exchanges;
        Assert.All(sent, x => Assert.Equal((200, """{"result":"Success"}"""), (x.Status, x.Response)));
        var change = Assert.Single(sent, x => x.Params.ContainsKey("old_device_id"));
        Assert.Equal(("user-1", "anonymous-1"), (change.Params["device_id"], change.Params["old_device_id"]));
        Assert.Equal("anonymous-1", sent[0].Params["device_id"]);
        Assert.Equal(("user-1", "1"), (sent[^1].Params["device_id"], sent[^1].Params["end_session"]));

        // The session begun as anonymous-1 goes on and ends as user-1: one session, one new user,
        // its whole duration and its duration bucket (without the merge, user-1's extension and end
        // would be usage of a device that never began a session, and invisible).
        var seconds = sent.Where(x => x.Params.ContainsKey("session_duration")).Sum(x => int.Parse(x.Params["session_duration"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(seconds > 0, run.ToString());
        var year = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(sent[0].Params["timestamp"], System.Globalization.CultureInfo.InvariantCulture))
            .ToOffset(TimeZoneInfo.FindSystemTimeZoneById(TimeZone).GetUtcOffset(DateTimeOffset.UtcNow)).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sessions = await api.ReadUntilAsync(appId, "sessions", j => j?[year]?["ds"] is not null);
        var y = JsonNode.Parse(sessions)![year]!;
        Assert.Equal((1m, 1m, 1m, (decimal)seconds), (y["t"]!.GetValue<decimal>(), y["n"]!.GetValue<decimal>(), y["u"]!.GetValue<decimal>(), y["d"]!.GetValue<decimal>()));
        Assert.Equal(1m, y["ds"]!.AsObject().Sum(b => b.Value!.GetValue<decimal>()));
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }

    /// <summary>The SDK's own request sequence: begin with metrics first, the events, its extension, end last; all GET /i answered Success.</summary>
    private static void AssertSdkSession(IReadOnlyList<SdkExchange> sent, ScriptRun run)
    {
        Assert.True(sent.Count >= 4, run.ToString());
        Assert.All(sent, x =>
        {
            Assert.Equal(("GET", "/i"), (x.Method, x.Endpoint));
            Assert.Equal(200, x.Status);
            Assert.Equal("""{"result":"Success"}""", x.Response);
            Assert.Equal(13, x.Params["timestamp"].Length);
        });
        Assert.Equal("1", sent[0].Params["begin_session"]);
        Assert.Contains("_app_version", JsonNode.Parse(sent[0].Params["metrics"])!.AsObject().Select(kv => kv.Key));
        Assert.Contains(sent, x => x.Params.ContainsKey("events"));
        Assert.Contains(sent, x => x.Params.ContainsKey("session_duration") && !x.Params.ContainsKey("end_session"));
        Assert.Equal("1", sent[^1].Params["end_session"]);
    }

    private static JsonObject Device(string id, string appVersion, JsonObject metrics, params JsonObject[] events) => new()
    {
        ["deviceId"] = id,
        ["appVersion"] = appVersion,
        ["metrics"] = metrics,
        ["events"] = new JsonArray([.. events]),
    };

    private static JsonObject Purchase(int count, decimal sum, decimal dur, string country, string plan) => new()
    {
        ["key"] = "purchase",
        ["count"] = count,
        ["sum"] = sum,
        ["dur"] = dur,
        ["segmentation"] = new JsonObject { ["country"] = country, ["plan"] = plan },
    };
}
