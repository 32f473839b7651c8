using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Custom events written through <c>/i</c> and read through <c>method=events</c> and <c>get_events</c> (spec §1.10, §2.3, §2.4).</summary>
[Collection(nameof(ServerCollection))]
public sealed class EventsTests(ServerFixture fixture)
{
    private const string Limits = """
        "limits":{"event_limit":500,"event_segmentation_limit":100,"event_segmentation_value_limit":1000}
        """;

    private const string BuyMap = """{"name":"Purchase","description":"Money in","count":"","sum":"Revenue","dur":"","is_visible":false}""";

    private const string TurkeyLatviaMeta = """
        "meta":{"segments":["country"],"country":["Turkey","Latvia"]}
        """;

    [Fact]
    public async Task A_flood_of_long_segment_keys_fills_the_registry_budget_without_refusing_later_requests()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        // Six requests of ten events with a hundred 127-character segment keys each: far more
        // than one stored registry row holds.
        for (var r = 0; r < 6; r++)
        {
            var events = new JsonArray([.. Enumerable.Range(0, 10).Select(e => (JsonNode)new JsonObject
            {
                ["key"] = $"flood{r}_{e}",
                ["segmentation"] = new JsonObject([.. Enumerable.Range(0, 100).Select(k => KeyValuePair.Create($"{k:D3}".PadRight(127, 'k'), (JsonNode?)JsonValue.Create("v")))]),
            })]);
            var flood = await api.PostFormAsync("/i", [new("app_key", appKey), new("device_id", "F"), new("timestamp", TestTime.Text(t + r)), new("events", events.ToJsonString())]);
            Expect.Answer(flood, HttpStatusCode.OK, """{"result":"Success"}""");
        }

        // Later requests that bring new keys are still taken, and the registry still answers.
        var later = await api.WriteAsync(appKey, "G", ("timestamp", TestTime.Text(t + 100)), ("events", """[{"key":"later","count":1,"segmentation":{"plan":"pro"}}]"""));
        var session = await api.WriteAsync(appKey, "H", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 200)));

        Expect.Answer(later, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Answer(session, HttpStatusCode.OK, """{"result":"Success"}""");
        var registry = await api.ReadAsync(appId, "get_events");
        Assert.Equal(HttpStatusCode.OK, registry.Status);
        Assert.Contains("flood0_0", registry.Json!["list"]!.AsArray().Select(k => k!.GetValue<string>()));
    }

    [Fact]
    public async Task An_event_without_segmentation_sums_counts_and_decimal_sums_at_every_level_without_meta()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"test1","count":1,"sum":2.97}]"""));
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 1000)), ("events", """[{"key":"test1","count":1,"sum":1.5}]"""));

        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"c":2,"s":4.47,"{M}":{"c":2,"s":4.47,"{D}":{"c":2,"s":4.47,"{H}":{"c":2,"s":4.47}}}}}
            """, t), "&event=test1");
    }

    [Fact]
    public async Task Count_sum_and_dur_follow_Countlys_parsing()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """
            [{"key":"e","count":"3","sum":"0.123456","dur":"1.5"},{"key":"e","count":0},{"key":"e","count":"x","sum":"y"},{"key":"e","count":2.9,"dur":0.25}]
            """));

        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"c":7,"s":0.12346,"dur":1.75,"{M}":{"c":7,"s":0.12346,"dur":1.75,"{D}":{"c":7,"s":0.12346,"dur":1.75,"{H}":{"c":7,"s":0.12346,"dur":1.75}}}}}
            """, t), "&event=e");
    }

    [Fact]
    public async Task A_segmented_event_has_its_totals_and_the_meta_of_its_segments()
    {
        using var api = fixture.Api();
        var (appId, t) = await SegmentedAsync(api);

        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"c":5,"s":1.5,"{M}":{"c":5,"s":1.5,"{D}":{"c":5,"s":1.5,"{H}":{"c":5,"s":1.5}}}},@TurkeyLatviaMeta@}
            """.With("TurkeyLatviaMeta", TurkeyLatviaMeta), t), "&event=buy");
    }

    [Fact]
    public async Task Reading_by_segmentation_gives_per_value_objects_down_to_days_without_plain_totals()
    {
        using var api = fixture.Api();
        var (appId, t) = await SegmentedAsync(api);

        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"Turkey":{"c":3},"Latvia":{"c":2,"s":1.5},
              "{M}":{"Turkey":{"c":3},"Latvia":{"c":2,"s":1.5},
                "{D}":{"Turkey":{"c":3},"Latvia":{"c":2,"s":1.5}}}},@TurkeyLatviaMeta@}
            """.With("TurkeyLatviaMeta", TurkeyLatviaMeta), t), "&event=buy&segmentation=country");
    }

    [Fact]
    public async Task Reading_several_events_sums_them_key_by_key()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"a","count":1,"sum":2},{"key":"b","count":2,"sum":0.5,"dur":3},{"key":"c","count":100}]"""));

        // Countly's getMergedEventData answers a meta object even when no event has segments.
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"c":3,"s":2.5,"dur":3,"{M}":{"c":3,"s":2.5,"dur":3,"{D}":{"c":3,"s":2.5,"dur":3,"{H}":{"c":3,"s":2.5,"dur":3}}}},"meta":{}}
            """, t), "&events=" + Uri.EscapeDataString("""["a","b","never"]"""));
        await Expect.ReadAsync(api, appId, "events", """{"meta":{}}""", "&events=" + Uri.EscapeDataString("""["never"]"""));
        await Expect.ReadAsync(api, appId, "events", "{}", "&events=" + Uri.EscapeDataString("[]"));
    }

    [Fact]
    public async Task Reading_several_segmented_events_concatenates_their_meta_without_duplicates()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """
            [{"key":"a","count":1,"segmentation":{"plan":"pro"}},{"key":"b","count":2,"segmentation":{"plan":"free","os":"ios"}}]
            """));

        // Spec §2.3: meta concatenated per set, without duplicates (Countly's getMergedEventData).
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"c":3,"{M}":{"c":3,"{D}":{"c":3,"{H}":{"c":3}}}},
             "meta":{"segments":["plan","os"],"plan":["pro","free"],"os":["ios"]}}
            """, t), "&events=" + Uri.EscapeDataString("""["a","b"]"""));
    }

    [Fact]
    public async Task Without_an_event_parameter_the_alphabetically_first_event_is_read()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"zeta","count":5},{"key":"alpha","count":2}]"""));

        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"c":2,"{M}":{"c":2,"{D}":{"c":2,"{H}":{"c":2}}}}}
            """, t));
    }

    [Fact]
    public async Task Events_of_an_app_without_events_is_an_empty_object()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        Expect.Answer(await api.ReadAsync(appId, "events"), HttpStatusCode.OK, "{}");
        Expect.Answer(await api.ReadAsync(appId, "events", "&event=nothing"), HttpStatusCode.OK, "{}");
    }

    [Fact]
    public async Task An_events_own_timestamp_places_it_on_its_own_day()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var earlier = t - (2 * 86_400_000L);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"late","count":1,"timestamp":@earlier@}]""".With("earlier", earlier)));

        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"c":1,"{M}":{"c":1,"{D}":{"c":1,"{H}":{"c":1}}}}}
            """, earlier), "&event=late");
    }

    [Fact]
    public async Task Get_events_lists_keys_and_segments_but_not_internal_events()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """
            [{"key":"buy","segmentation":{"plan":"pro"}},{"key":"[CLY]_view","segmentation":{"name":"home"}},{"key":"open"},{"key":"[CLY]_unregistered"}]
            """));

        await Expect.ReadAsync(api, appId, "get_events", """{"_id":"@appId@","list":["buy","open"],"segments":{"buy":["plan"]},@Limits@}""".With("appId", appId).With("Limits", Limits));
    }

    [Fact]
    public async Task An_internal_view_event_is_stored_and_readable()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"[CLY]_view","count":1,"segmentation":{"name":"home"}}]"""));

        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"c":1,"{M}":{"c":1,"{D}":{"c":1,"{H}":{"c":1}}}},"meta":{"segments":["name"],"name":["home"]}}
            """, t), "&event=" + Uri.EscapeDataString("[CLY]_view"));
    }

    [Fact]
    public async Task Get_events_of_an_app_without_events_has_only_the_limits()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        var answer = await api.ReadAsync(appId, "get_events");

        Expect.Answer(answer, HttpStatusCode.OK, "{" + Limits + "}");
    }

    [Fact]
    public async Task Edit_map_sets_names_visibility_and_order_that_get_events_returns()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await TwoEventsAsync(api, appId, appKey);

        var answer = await EditMapAsync(api, appId);

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Json(await api.ReadAsync(appId, "get_events"), """
            {"_id":"@appId@","list":["buy","open"],"segments":{"buy":["plan"]},"order":["open","buy"],
             "map":{"buy":@BuyMap@},"overview":[],"omitted_segments":{},@Limits@}
            """.With("appId", appId).With("BuyMap", BuyMap).With("Limits", Limits));
    }

    [Fact]
    public async Task The_event_order_decides_the_default_event()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = await TwoEventsAsync(api, appId, appKey);

        await EditMapAsync(api, appId);

        Expect.Json(await api.ReadAsync(appId, "events"), TestTime.Fill("""{"{Y}":{"c":4,"{M}":{"c":4,"{D}":{"c":4,"{H}":{"c":4}}}}}""", t));
    }

    [Fact]
    public async Task Change_visibility_hides_an_event()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await TwoEventsAsync(api, appId, appKey);
        await EditMapAsync(api, appId);

        var answer = await api.GetAsync($"/i/events/change_visibility?api_key={api.AdminKey}&app_id={appId}&set_visibility=hide&events=" + Uri.EscapeDataString("""["open"]"""));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Json(await api.ReadAsync(appId, "get_events"), """
            {"_id":"@appId@","list":["buy","open"],"segments":{"buy":["plan"]},"order":["open","buy"],
             "map":{"buy":@BuyMap@,"open":{"is_visible":false}},"overview":[],"omitted_segments":{},@Limits@}
            """.With("appId", appId).With("BuyMap", BuyMap).With("Limits", Limits));
    }

    [Fact]
    public async Task Delete_events_removes_the_key_its_settings_and_its_data()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await TwoEventsAsync(api, appId, appKey);
        await EditMapAsync(api, appId);

        var answer = await api.GetAsync($"/i/events/delete_events?api_key={api.AdminKey}&app_id={appId}&events=" + Uri.EscapeDataString("""["buy"]"""));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Json(await api.ReadAsync(appId, "get_events"), """
            {"_id":"@appId@","list":["open"],"order":["open"],"map":{},"overview":[],"omitted_segments":{},@Limits@}
            """.With("appId", appId).With("Limits", Limits));
        Expect.Answer(await api.ReadAsync(appId, "events", "&event=buy"), HttpStatusCode.OK, "{}");
    }

    [Fact]
    public async Task Delete_events_also_removes_the_data_of_years_long_past()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var old = TestTime.InPreviousHour(10) - (4 * 366 * 86_400_000L);
        var period = "&event=ancient&period=" + Uri.EscapeDataString($"[{old - 86_400_000L},{old + 86_400_000L}]");
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(old)), ("events", """[{"key":"ancient","count":3}]"""));
        var before = await api.ReadUntilAsync(appId, "events", j => j?.ToJsonString() != "{}", period);
        Assert.Contains("\"c\":3", before, StringComparison.Ordinal);

        var answer = await api.GetAsync($"/i/events/delete_events?api_key={api.AdminKey}&app_id={appId}&events=" + Uri.EscapeDataString("""["ancient"]"""));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");

        // Sent again today, the key is back; the years-old data must stay gone.
        var today = TestTime.InPreviousHour(20);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(today)), ("events", """[{"key":"ancient","count":1}]"""));
        await api.ReadUntilAsync(appId, "events", j => j?.ToJsonString() != "{}", "&event=ancient");
        Expect.Answer(await api.ReadAsync(appId, "events", period), HttpStatusCode.OK, "{}");
    }

    [Fact]
    public async Task A_deleted_event_sent_again_starts_from_zero()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = await TwoEventsAsync(api, appId, appKey);
        await api.GetAsync($"/i/events/delete_events?api_key={api.AdminKey}&app_id={appId}&events=" + Uri.EscapeDataString("""["open"]"""));

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 5000)), ("events", """[{"key":"open","count":2}]"""));

        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""{"{Y}":{"c":2,"{M}":{"c":2,"{D}":{"c":2,"{H}":{"c":2}}}}}""", t), "&event=open");
        Assert.Equal("""["buy","open"]""", (await api.ReadAsync(appId, "get_events")).Json!["list"]!.ToJsonString());
    }

    [Fact]
    public async Task Event_management_needs_an_admin_of_the_app()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (_, readerKey) = await api.CreateUserAsync("eventreader" + Guid.NewGuid().ToString("N")[..8], new JsonObject { ["user_of"] = new JsonArray(appId) });

        var answer = await api.GetAsync($"/i/events/delete_events?api_key={readerKey}&app_id={appId}&events=" + Uri.EscapeDataString("""["buy"]"""));

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }

    [Fact]
    public async Task Keys_beyond_the_event_limit_are_dropped_without_an_error()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var items = new JsonArray();
        for (var batch = 0; batch < 6; batch++)
        {
            var events = new JsonArray();
            for (var i = 0; i < 100; i++)
            {
                events.Add(new JsonObject { ["key"] = $"k{(batch * 100) + i:000}", ["count"] = 1 });
            }

            items.Add(new JsonObject { ["device_id"] = "D", ["timestamp"] = t + batch, ["events"] = events });
        }

        var bulk = await api.PostJsonAsync("/i/bulk", new JsonObject { ["app_key"] = appKey, ["requests"] = items }.ToJsonString());
        var late = await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 10)), ("events", """[{"key":"late","count":1},{"key":"k000","count":1}]"""));

        Expect.Answer(bulk, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Answer(late, HttpStatusCode.OK, """{"result":"Success"}""");
        var list = (await api.ReadAsync(appId, "get_events")).Json!["list"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"k{i:000}"), list);
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""{"{Y}":{"c":2,"{M}":{"c":2,"{D}":{"c":2,"{H}":{"c":2}}}}}""", t), "&event=k000");
        Expect.Answer(await api.ReadAsync(appId, "events", "&event=k550"), HttpStatusCode.OK, "{}");
        Expect.Answer(await api.ReadAsync(appId, "events", "&event=late"), HttpStatusCode.OK, "{}");
    }

    [Fact]
    public async Task Segment_values_1_to_31_are_prefixed_CLY()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"e","count":1,"segmentation":{"day":"5","n":31,"big":"32"}}]"""));

        const string meta = """
            "meta":{"segments":["big","day","n"],"day":["[CLY]5"],"n":["[CLY]31"],"big":["32"]}
            """;
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"[CLY]5":{"c":1},"{M}":{"[CLY]5":{"c":1},"{D}":{"[CLY]5":{"c":1}}}},@meta@}
            """.With("meta", meta), t), "&event=e&segmentation=day");
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""
            {"{Y}":{"32":{"c":1},"{M}":{"32":{"c":1},"{D}":{"32":{"c":1}}}},@meta@}
            """.With("meta", meta), t), "&event=e&segmentation=big");
    }

    private static Task<CountlyClient.Answer> EditMapAsync(CountlyClient api, string appId) =>
        api.GetAsync($"/i/events/edit_map?api_key={api.AdminKey}&app_id={appId}"
            + "&event_map=" + Uri.EscapeDataString("{\"buy\":" + BuyMap + "}")
            + "&event_order=" + Uri.EscapeDataString("""["open","buy"]"""));

    private static async Task<(string AppId, long Time)> SegmentedAsync(CountlyClient api)
    {
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """
            [{"key":"buy","count":3,"segmentation":{"country":"Turkey"}},{"key":"buy","count":2,"sum":1.5,"segmentation":{"country":"Latvia"}}]
            """));
        return (appId, t);
    }

    private static async Task<long> TwoEventsAsync(CountlyClient api, string appId, string appKey)
    {
        var t = TestTime.InPreviousHour(10);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"buy","count":1,"segmentation":{"plan":"pro"}},{"key":"open","count":4}]"""));
        await api.ReadUntilAsync(appId, "events", j => j?.ToJsonString() != "{}", "&event=open");
        return t;
    }
}
