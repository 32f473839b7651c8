using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary><c>/i/bulk</c> (spec §1.13): every way of sending <c>requests</c>, the default <c>app_key</c>, skipped items and the 400 answers.</summary>
[Collection(nameof(ServerCollection))]
public sealed class BulkTests(ServerFixture fixture)
{
    private const string TwoNewUsers = """
        {"{Y}":{"t":2,"n":2,"u":2,"e":2,"f":{"0":2},"Unknown":{"u":2,"t":2,"n":2},
          "{W}":{"u":2,"f":{"0":2},"Unknown":{"u":2}},
          "{M}":{"t":2,"n":2,"u":2,"e":2,"f":{"0":2},"Unknown":{"u":2,"t":2,"n":2},
            "{D}":{"t":2,"n":2,"u":2,"e":2,"f":{"0":2},"Unknown":{"t":2,"n":2,"u":2},
              "{H}":{"t":2,"n":2,"u":2,"e":2}}}},
         "meta":{"countries":["Unknown"],"f-ranges":["0"]}}
        """;

    [Fact]
    public async Task Requests_as_a_JSON_string_in_the_query_are_processed()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var answer = await api.GetAsync("/i/bulk?requests=" + Uri.EscapeDataString(TwoSessions(appKey, t).ToJsonString()));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(TwoNewUsers, t));
    }

    [Fact]
    public async Task Requests_as_an_array_in_a_JSON_body_are_processed()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var answer = await api.PostJsonAsync("/i/bulk", new JsonObject { ["requests"] = TwoSessions(appKey, t) }.ToJsonString());

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(TwoNewUsers, t));
    }

    [Fact]
    public async Task Requests_as_a_JSON_string_in_a_form_body_are_processed()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var answer = await api.PostFormAsync("/i/bulk", [new("requests", TwoSessions(appKey, t).ToJsonString())]);

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(TwoNewUsers, t));
    }

    [Fact]
    public async Task A_top_level_app_key_is_the_default_for_items_without_one()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var items = TwoSessions(null, t);

        var answer = await api.PostFormAsync("/i/bulk", [new("app_key", appKey), new("requests", items.ToJsonString())]);

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(TwoNewUsers, t));
    }

    [Fact]
    public async Task Bad_items_are_skipped_without_failing_the_batch()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var (otherId, otherKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var requests = $$"""
            [5, "text", null, [], {"begin_session":1,"timestamp":{{t}}},
             {"app_key":"{{otherKey}}","begin_session":1,"timestamp":{{t}}},
             {"app_key":"0000000000000000000000000000000000000000","device_id":"X","begin_session":1,"timestamp":{{t}}},
             {"app_key":{"$ne":null},"device_id":"Y","begin_session":1,"timestamp":{{t}}},
             {"app_key":"{{appKey}}","device_id":"00000000-0000-0000-0000-000000000000","begin_session":1,"timestamp":{{t}}},
             {"app_key":"{{appKey}}","device_id":"D1","begin_session":1,"timestamp":{{t}},"metrics":"{not json","events":"[broken"},
             {"app_key":"{{appKey}}","device_id":"D2","begin_session":1,"timestamp":{{t + 1000}}}]
            """;

        var answer = await api.PostFormAsync("/i/bulk", [new("requests", requests)]);

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(TwoNewUsers, t));
        Expect.Answer(await api.ReadAsync(otherId, "sessions"), HttpStatusCode.OK, "{}");
    }

    [Fact]
    public async Task An_item_too_large_for_one_journal_record_is_skipped_and_the_others_count()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var value = new string('\u4E70', 100);
        var events = new JsonArray([.. Enumerable.Range(0, 100).Select(e => (JsonNode)new JsonObject
        {
            ["key"] = "e" + e,
            ["segmentation"] = new JsonObject([.. Enumerable.Range(0, 100).Select(k => KeyValuePair.Create("k" + k, (JsonNode?)JsonValue.Create(value)))]),
        })]);
        var requests = new JsonArray(
            new JsonObject { ["device_id"] = "big", ["begin_session"] = 1, ["timestamp"] = t, ["events"] = events.ToJsonString() },
            new JsonObject { ["device_id"] = "D1", ["begin_session"] = 1, ["timestamp"] = t },
            new JsonObject { ["device_id"] = "D2", ["begin_session"] = 1, ["timestamp"] = t + 1000 });

        var answer = await api.PostJsonAsync("/i/bulk", new JsonObject { ["app_key"] = appKey, ["requests"] = requests }.ToJsonString());

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(TwoNewUsers, t));
        Expect.Json(await api.ReadAsync(appId, "events", "&event=e0"), "{}");
    }

    [Fact]
    public async Task Items_of_one_device_are_applied_in_order()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var requests = new JsonArray(
            new JsonObject { ["device_id"] = "D", ["begin_session"] = 1, ["timestamp"] = t },
            new JsonObject { ["device_id"] = "D", ["session_duration"] = 30, ["timestamp"] = t + 1000 },
            new JsonObject { ["device_id"] = "D", ["end_session"] = 1, ["timestamp"] = t + 2000 });

        await api.PostJsonAsync("/i/bulk", new JsonObject { ["app_key"] = appKey, ["requests"] = requests }.ToJsonString());

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill("""
            {"{Y}":{"t":1,"n":1,"u":1,"e":3,"d":30,"f":{"0":1},"ds":{"1":1},"Unknown":{"u":1,"t":1,"n":1},
              "{W}":{"u":1,"f":{"0":1},"ds":{"1":1},"Unknown":{"u":1}},
              "{M}":{"t":1,"n":1,"u":1,"e":3,"d":30,"f":{"0":1},"ds":{"1":1},"Unknown":{"u":1,"t":1,"n":1},
                "{D}":{"t":1,"n":1,"u":1,"e":3,"d":30,"f":{"0":1},"ds":{"1":1},"Unknown":{"t":1,"n":1,"u":1},
                  "{H}":{"t":1,"n":1,"u":1,"e":3,"d":30}}}},
             "meta":{"countries":["Unknown"],"f-ranges":["0"],"d-ranges":["1"]}}
            """, t));
    }

    [Fact]
    public async Task Items_carry_their_own_location_parameters()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var requests = new JsonArray(
            new JsonObject { ["device_id"] = "D1", ["begin_session"] = 1, ["timestamp"] = t, ["ip_address"] = "81.2.69.142" },
            new JsonObject { ["device_id"] = "D2", ["begin_session"] = 1, ["timestamp"] = t + 1000, ["country_code"] = "DE" },
            new JsonObject { ["device_id"] = "D3", ["begin_session"] = 1, ["timestamp"] = t + 2000, ["country_code"] = "de" });

        await api.PostJsonAsync("/i/bulk", new JsonObject { ["app_key"] = appKey, ["requests"] = requests, ["ip_address"] = "8.8.8.8" }.ToJsonString());

        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"DE","u":2},{"_id":"GB","u":1}]""", "&metric=countries");
    }

    [Theory]
    [InlineData("/i/bulk")]
    [InlineData("/i/bulk?requests=")]
    [InlineData("/i/bulk?requests=%5B%7B")]
    [InlineData("/i/bulk?requests=0")]
    [InlineData("/i/bulk?requests=null")]
    public async Task Missing_or_unparsable_requests_is_400_missing_parameter(string pathAndQuery)
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync(pathAndQuery);

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Missing parameter \"requests\""}""");
    }

    [Theory]
    [InlineData("%7B%22device_id%22%3A%22D%22%7D")]
    [InlineData("42")]
    [InlineData("%22text%22")]
    public async Task Requests_that_are_not_an_array_is_400_invalid_parameter(string requests)
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync("/i/bulk?requests=" + requests);

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Invalid parameter \"requests\""}""");
    }

    [Fact]
    public async Task A_JSON_body_whose_requests_is_an_object_is_400_invalid_parameter()
    {
        using var api = fixture.Api();

        var answer = await api.PostJsonAsync("/i/bulk", """{"requests":{"0":{"device_id":"D"}}}""");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Invalid parameter \"requests\""}""");
    }

    private static JsonArray TwoSessions(string? appKey, long t)
    {
        JsonObject Item(string device, long at)
        {
            var item = new JsonObject { ["device_id"] = device, ["begin_session"] = 1, ["timestamp"] = at };
            if (appKey is not null)
            {
                item["app_key"] = appKey;
            }

            return item;
        }

        return [Item("D1", t), Item("D2", t + 1000)];
    }
}
