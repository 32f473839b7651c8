using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Malformed and hostile input (spec §1.2, §1.10): ignored the way Countly ignores it, never a 5xx.</summary>
[Collection(nameof(ServerCollection))]
public sealed class BadInputTests(ServerFixture fixture)
{
    private const string Success = """{"result":"Success"}""";
    private const string EmptyLimits = """{"limits":{"event_limit":500,"event_segmentation_limit":100,"event_segmentation_value_limit":1000}}""";

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("\"Android\"")]
    [InlineData("42")]
    [InlineData("{\"_os\":{\"$gt\":\"\"},\"_carrier\":[\"a\"]}")]
    public async Task Metrics_that_are_not_a_JSON_object_of_values_are_ignored_and_the_session_still_counts(string metrics)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var answer = await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("metrics", metrics));

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
        Expect.Answer(await api.ReadAsync(appId, "device_details"), HttpStatusCode.OK, "{}");
        Expect.Answer(await api.ReadAsync(appId, "carriers"), HttpStatusCode.OK, "{}");
    }

    [Theory]
    [InlineData("[{\"key\":")]
    [InlineData("{\"key\":\"a\",\"count\":1}")]
    [InlineData("\"buy\"")]
    [InlineData("[1,\"x\",null,[],{\"count\":3},{\"key\":\"\"},{\"key\":\"[CLY]_unknown\"},{\"key\":\"system.\"}]")]
    public async Task Events_that_are_malformed_not_an_array_or_without_keys_are_ignored_and_the_request_still_counts(string events)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var answer = await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", events));
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)));

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser.Replace("\"e\":1", "\"e\":2", StringComparison.Ordinal), t));
        Expect.Answer(await api.ReadAsync(appId, "get_events"), HttpStatusCode.OK, EmptyLimits);
    }

    [Fact]
    public async Task Bad_events_next_to_a_good_one_leave_only_the_good_one()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var answer = await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[7,{"count":2},{"key":"good","count":2},"good",{"key":""}]"""));

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        await Expect.ReadAsync(api, appId, "get_events", """{"_id":"@appId@","list":["good"],"limits":{"event_limit":500,"event_segmentation_limit":100,"event_segmentation_value_limit":1000}}""".With("appId", appId));
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""{"{Y}":{"c":2,"{M}":{"c":2,"{D}":{"c":2,"{H}":{"c":2}}}}}""", t), "&event=good");
    }

    [Fact]
    public async Task Every_event_of_a_batch_larger_than_the_sdks_default_counts()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var events = "[" + string.Join(',', Enumerable.Range(0, 150).Select(_ => """{"key":"many","count":1}""")) + "]";

        var answer = await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", events));

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""{"{Y}":{"c":150,"{M}":{"c":150,"{D}":{"c":150,"{H}":{"c":150}}}}}""", t), "&event=many");
    }

    [Fact]
    public async Task A_request_whose_events_would_make_a_record_past_the_storage_bound_is_413()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();
        var events = "[" + string.Join(',', Enumerable.Range(0, 32_000).Select(_ => """{"key":"a"}""")) + "]";

        var answer = await api.PostFormAsync("/i", [new("app_key", appKey), new("device_id", "D"), new("events", events)]);

        Expect.Answer(answer, HttpStatusCode.RequestEntityTooLarge, """{"result":"Request too large"}""");
    }

    [Fact]
    public async Task Hostile_event_keys_are_cleaned_or_dropped_as_Countly_does()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var events = new JsonArray(
            new JsonObject { ["key"] = "$where" },
            new JsonObject { ["key"] = "a.b" },
            new JsonObject { ["key"] = "__proto__" },
            new JsonObject { ["key"] = "nul\0key" },
            new JsonObject { ["key"] = new string('x', 10_000) },
            new JsonObject { ["key"] = "system.indexes" },
            new JsonObject { ["key"] = "constructor" });

        var answer = await api.PostJsonAsync("/i", new JsonObject { ["app_key"] = appKey, ["device_id"] = "D", ["timestamp"] = t, ["events"] = events }.ToJsonString());

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        var expected = new JsonObject
        {
            ["_id"] = appId,
            ["list"] = new JsonArray("where", "a.b", "__proto__", "nul\0key", "indexes", "constructor"),
            ["limits"] = JsonNode.Parse(EmptyLimits)!["limits"]!.DeepClone(),
        };
        await Expect.ReadAsync(api, appId, "get_events", expected.ToJsonString());
        foreach (var key in new[] { "where", "a.b", "__proto__", "nul\0key", "constructor" })
        {
            await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""{"{Y}":{"c":1,"{M}":{"c":1,"{D}":{"c":1,"{H}":{"c":1}}}}}""", t), "&event=" + Uri.EscapeDataString(key));
        }
    }

    [Fact]
    public async Task Hostile_segment_keys_and_values_are_cleaned_as_Countly_does()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var segmentation = new JsonObject
        {
            ["$where"] = "$gt",
            ["a.b"] = "1.5",
            ["__proto__"] = "polluted",
            [new string('k', 10_000)] = "long key",
            ["nul"] = "a\0b",
            ["arr"] = new JsonArray("x"),
            ["obj"] = new JsonObject { ["$ne"] = null },
            ["empty"] = "",
            ["null"] = null,
        };

        var answer = await api.PostJsonAsync("/i", new JsonObject
        {
            ["app_key"] = appKey,
            ["device_id"] = "D",
            ["timestamp"] = t,
            ["events"] = new JsonArray(new JsonObject { ["key"] = "e", ["segmentation"] = segmentation }),
        }.ToJsonString());

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        const string meta = """
            "meta":{"segments":["ab","__proto__","null","nul","where","obj"],"where":["gt"],"ab":["1:5"],"__proto__":["polluted"],"nul":["a&amp;#9647b"],"null":["null"],"obj":["[object Object]"]}
            """;
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""{"{Y}":{"gt":{"c":1},"{M}":{"gt":{"c":1},"{D}":{"gt":{"c":1}}}},@meta@}""".With("meta", meta), t), "&event=e&segmentation=where");
    }

    [Fact]
    public async Task Hostile_metric_values_are_escaped_and_capped()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var metrics = new JsonObject { ["_device"] = "$where.x", ["_manufacturer"] = new string('m', 10_000), ["__proto__"] = "x", ["constructor"] = "y" };

        var answer = await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("metrics", metrics.ToJsonString()));

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        var capped = new string('m', 128);
        await Expect.ReadAsync(api, appId, "devices", MetricObjects.NewDevices(t, [("where:x", 1), (capped, 1)], """{"devices":["where:x"],"manufacturers":["@capped@"]}""".With("capped", capped)));
    }

    [Theory]
    [InlineData("$where")]
    [InlineData("a.b")]
    [InlineData("__proto__")]
    [InlineData("__proto__[polluted]")]
    [InlineData("constructor[prototype][x]")]
    [InlineData("a[")]
    [InlineData("%00")]
    public async Task Hostile_parameter_names_are_harmless(string name)
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();

        var answer = await api.GetAsync($"/i?app_key={appKey}&device_id=D&{name}=1");

        Expect.Answer(answer, HttpStatusCode.OK, Success);
    }

    [Fact]
    public async Task A_NUL_in_the_device_id_is_a_device_like_any_other()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var answer = await api.WriteAsync(appKey, "D\0evil", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        Expect.Answer(answer, HttpStatusCode.OK, Success);
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Fact]
    public async Task A_device_id_of_10000_characters_is_400()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();

        var answer = await api.WriteAsync(appKey, new string('d', 10_000), ("begin_session", "1"));

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Parameter \"device_id\" is longer than 200 characters"}""");
    }

    [Fact]
    public async Task An_app_key_of_10000_characters_is_400_app_does_not_exist()
    {
        using var api = fixture.Api();

        var answer = await api.WriteAsync(new string('k', 10_000), "D");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"App does not exist"}""");
    }

    [Theory]
    [InlineData("/i?app_key=%ZZ&device_id=%")]
    [InlineData("/i?&&&=&==&app_key")]
    [InlineData("/i?device_id[]=a&device_id[]=b&app_key=k")]
    [InlineData("/o?app_id[$ne]=x&method=sessions")]
    [InlineData("/o/analytics/dashboard?app_id=0123456789abcdef01234567&api_key[$ne]=1")]
    [InlineData("/i/bulk?requests=%5B%7B%22device_id%22%3A%7B%7D%2C%22app_key%22%3A%5B%5D%7D%5D")]
    [InlineData("/i/apps/create?api_key=x&args=%7B%22name%22%3A")]
    [InlineData("/o?method=events&event=%00&app_id=0123456789abcdef01234567")]
    public async Task Malformed_requests_never_cause_a_server_error(string pathAndQuery)
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync(pathAndQuery);

        Assert.True((int)answer.Status < 500, $"{(int)answer.Status} {answer.Body}");
        Assert.Equal(Expect.ContentType, answer.ContentType);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_under_a_JSON_content_type_adds_no_parameters()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();

        var answer = await api.PostJsonAsync($"/i?app_key={appKey}&device_id=D", "{\"begin_session\":");

        Expect.Answer(answer, HttpStatusCode.OK, Success);
    }

    [Fact]
    public async Task A_deeply_nested_JSON_body_is_ignored_rather_than_failing()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();
        var deep = new string('[', 5000) + new string(']', 5000);

        var answer = await api.PostJsonAsync($"/i?app_key={appKey}&device_id=D", """{"events":@deep@,"metrics":@deep@}""".With("deep", deep));

        Expect.Answer(answer, HttpStatusCode.OK, Success);
    }
}
