using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Countly's app management over HTTP (spec §5): create, list, update, reset, delete and their errors.</summary>
[Collection(nameof(ServerCollection))]
public sealed partial class AppManagementTests(ServerFixture fixture)
{
    private const string EmptyLimits = """{"limits":{"event_limit":500,"event_segmentation_limit":100,"event_segmentation_value_limit":1000}}""";

    private const string EmptyDashboard = """
        {"total_sessions":{"total":0,"change":"NA","trend":"u"},
         "total_users":{"total":0,"change":"NA","trend":"u","is_estimate":ESTIMATE},
         "new_users":{"total":0,"change":"NA","trend":"u"},
         "total_time":{"total":"0.0 min","change":"NA","trend":"u"},
         "avg_time":{"total":"0.0 min","change":"NA","trend":"u"},
         "avg_requests":{"total":"0.0","change":"NA","trend":"u"}}
        """;

    [Fact]
    public async Task Create_returns_Countlys_app_object_with_a_24_hex_id_a_40_hex_key_and_the_defaults()
    {
        using var api = fixture.Api();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var answer = await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "Defaults" });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var app = answer.Json!.AsObject();
        Assert.Equal(
            ["_id", "category", "country", "created_at", "edited_at", "has_image", "key", "name", "owner", "seq", "timezone", "type"],
            app.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Matches(Hex24(), app["_id"]!.GetValue<string>());
        Assert.Matches(Hex40(), app["key"]!.GetValue<string>());
        Assert.Matches(Hex24(), app["owner"]!.GetValue<string>());
        Assert.Equal(("Defaults", "TR", "Europe/Istanbul", "6", "mobile", 0, false),
            (app["name"]!.GetValue<string>(), app["country"]!.GetValue<string>(), app["timezone"]!.GetValue<string>(), app["category"]!.GetValue<string>(),
             app["type"]!.GetValue<string>(), app["seq"]!.GetValue<int>(), app["has_image"]!.GetValue<bool>()));
        Assert.InRange(app["created_at"]!.GetValue<long>(), before, before + 60);
        Assert.Equal(app["created_at"]!.GetValue<long>(), app["edited_at"]!.GetValue<long>());
    }

    [Fact]
    public async Task Create_takes_a_valid_timezone_country_type_and_custom_key()
    {
        using var api = fixture.Api();
        var key = Guid.NewGuid().ToString("N");

        var answer = await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "Custom", ["timezone"] = "Asia/Tokyo", ["country"] = "JP", ["type"] = "web", ["key"] = key });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var app = answer.Json!;
        Assert.Equal(("Asia/Tokyo", "JP", "web", key),
            (app["timezone"]!.GetValue<string>(), app["country"]!.GetValue<string>(), app["type"]!.GetValue<string>(), app["key"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Create_falls_back_to_Istanbul_for_an_invalid_timezone()
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "Bad zone", ["timezone"] = "Mars/Olympus_Mons" });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("Europe/Istanbul", answer.Json!["timezone"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_windows_timezone_name_is_stored_as_its_iana_name_on_create_and_update()
    {
        using var api = fixture.Api();

        var created = await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "Windows zone", ["timezone"] = "Tokyo Standard Time" });
        var appId = created.Json!["_id"]!.GetValue<string>();
        var updated = await api.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["timezone"] = "W. Europe Standard Time" });

        Assert.Equal("Asia/Tokyo", created.Json!["timezone"]!.GetValue<string>());
        Assert.Equal("Europe/Berlin", updated.Json!["timezone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_with_a_key_already_in_use_is_400()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();

        var answer = await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "Copy", ["key"] = appKey });

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"App key already in use"}""");
    }

    [Fact]
    public async Task Create_without_args_is_400_missing_args()
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/apps/create", null);

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Error: Missing 'args' parameter"}""");
    }

    [Fact]
    public async Task Create_without_a_name_is_400_missing_name()
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/apps/create", new JsonObject { ["country"] = "DE" });

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Error: Missing name argument"}""");
    }

    [Theory]
    [InlineData("create")]
    [InlineData("update")]
    [InlineData("reset")]
    [InlineData("delete")]
    public async Task A_member_who_is_not_a_global_admin_cannot_manage_apps(string action)
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (_, memberKey) = await api.CreateUserAsync("reader" + Guid.NewGuid().ToString("N")[..8], new JsonObject { ["user_of"] = new JsonArray(appId) });

        var answer = await api.ManageAsync("/i/apps/" + action, new JsonObject { ["name"] = "Mine", ["app_id"] = appId, ["period"] = "reset" }, memberKey);

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }

    [Fact]
    public async Task An_unknown_app_action_is_400_with_the_list_of_actions()
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/apps/rename", new JsonObject { ["name"] = "x" });

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Invalid path, must be one of /create, /update, /delete or /reset"}""");
    }

    [Fact]
    public async Task Apps_all_lists_every_app_under_admin_of_for_a_global_admin()
    {
        using var api = fixture.Api();
        var created = (await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "Listed" })).Json!;
        var appId = created["_id"]!.GetValue<string>();

        var answer = await api.GetAsync($"/o/apps/all?api_key={api.AdminKey}");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Expect.Same(created.ToJsonString(), answer.Json!["admin_of"]![appId]!.ToJsonString());
        Assert.Equal("{}", answer.Json!["user_of"]!.ToJsonString());
    }

    [Fact]
    public async Task Apps_mine_lists_a_members_apps_under_admin_of_and_user_of()
    {
        using var api = fixture.Api();
        var administered = (await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "Administered" })).Json!;
        var read = (await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "Read" })).Json!;
        await api.CreateAppAsync("Not mine");
        var (_, memberKey) = await api.CreateUserAsync("mine" + Guid.NewGuid().ToString("N")[..8], new JsonObject
        {
            ["admin_of"] = new JsonArray(administered["_id"]!.GetValue<string>()),
            ["user_of"] = new JsonArray(read["_id"]!.GetValue<string>()),
        });

        var answer = await api.GetAsync($"/o/apps/mine?api_key={memberKey}");

        var expected = new JsonObject
        {
            ["admin_of"] = new JsonObject { [administered["_id"]!.GetValue<string>()] = administered.DeepClone() },
            ["user_of"] = new JsonObject { [read["_id"]!.GetValue<string>()] = read.DeepClone() },
        };
        Expect.Json(answer, expected.ToJsonString());
    }

    [Fact]
    public async Task Apps_all_is_refused_to_a_member_who_is_not_a_global_admin()
    {
        using var api = fixture.Api();
        var (_, memberKey) = await api.CreateUserAsync("notall" + Guid.NewGuid().ToString("N")[..8]);

        var answer = await api.GetAsync($"/o/apps/all?api_key={memberKey}");

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }

    [Fact]
    public async Task Update_with_a_salt_returns_the_salt_and_edited_at()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var answer = await api.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["salt"] = "sodiumchloride" });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var editedAt = answer.Json!["edited_at"]!.GetValue<long>();
        Assert.InRange(editedAt, before, before + 60);
        Expect.Json(answer, $$"""{"salt":"sodiumchloride","edited_at":{{editedAt}}}""");
    }

    [Fact]
    public async Task Update_of_the_key_moves_the_app_to_the_new_key()
    {
        using var api = fixture.Api();
        var (appId, oldKey) = await api.CreateAppAsync();
        var newKey = Guid.NewGuid().ToString("N");

        var answer = await api.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["key"] = newKey });

        Assert.Equal(newKey, answer.Json!["key"]!.GetValue<string>());
        Expect.Answer(await api.WriteAsync(oldKey, "D"), HttpStatusCode.BadRequest, """{"result":"App does not exist"}""");
        Expect.Answer(await api.WriteAsync(newKey, "D"), HttpStatusCode.OK, """{"result":"Success"}""");
    }

    [Fact]
    public async Task Update_to_a_key_another_app_uses_is_400()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (_, takenKey) = await api.CreateAppAsync();

        var answer = await api.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["key"] = takenKey });

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"App key already in use"}""");
    }

    [Fact]
    public async Task Update_without_an_app_id_is_400()
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/apps/update", new JsonObject { ["name"] = "x" });

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Error: Missing app_id argument"}""");
    }

    [Fact]
    public async Task Reset_without_args_is_400_missing_args()
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/apps/reset", null);

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Error: Missing 'args' parameter"}""");
    }

    [Fact]
    public async Task After_reset_every_read_returns_its_empty_form()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)),
            ("metrics", """{"_os":"Android","_device":"Nexus 5","_carrier":"Vodafone","_locale":"en_US","_density":"2"}"""),
            ("events", """[{"key":"buy","count":1,"segmentation":{"plan":"pro"}}]"""));
        await api.ReadUntilAsync(appId, "get_events", j => j?["list"] is not null);
        await api.ReadUntilAsync(appId, "carriers", j => j?["meta"] is not null);

        var reset = await api.ManageAsync("/i/apps/reset", new JsonObject { ["app_id"] = appId, ["period"] = "reset" });

        Expect.Answer(reset, HttpStatusCode.OK, """{"result":"Success"}""");
        foreach (var method in new[] { "sessions", "users", "locations", "devices", "device_details", "carriers", "app_versions", "cities", "langs", "density", "events" })
        {
            Expect.Json(await api.ReadAsync(appId, method), "{}");
        }

        Expect.Json(await api.ReadAsync(appId, "events", "&event=buy"), "{}");
        Expect.Json(await api.ReadAsync(appId, "get_events"), EmptyLimits);
        Expect.Json(await api.ReadAsync(appId, "total_users", "&metric=users"), "[]");
        Expect.Json(await api.GetAsync($"/o/analytics/countries?api_key={api.AdminKey}&app_id={appId}"), """{"30days":[],"7days":[],"today":[]}""");
        var dashboard = (await api.GetAsync($"/o/analytics/dashboard?api_key={api.AdminKey}&app_id={appId}")).Json!;
        foreach (var (section, estimate) in new[] { ("30days", true), ("7days", true), ("today", false) })
        {
            Expect.Same(EmptyDashboard.Replace("ESTIMATE", estimate ? "true" : "false", StringComparison.Ordinal), dashboard[section]!["dashboard"]!.ToJsonString());
            Expect.Same("""{"platforms":[],"resolutions":[],"carriers":[],"users":[]}""", dashboard[section]!["top"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task Requests_answered_just_before_a_reset_do_not_reappear_after_it()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => api.WriteAsync(appKey, "D" + i, ("begin_session", "1"), ("timestamp", TestTime.Text(t + i)),
            ("metrics", """{"_os":"Android"}"""), ("events", """[{"key":"buy","count":1}]"""))));

        await api.ManageAsync("/i/apps/reset", new JsonObject { ["app_id"] = appId, ["period"] = "reset" });
        await api.WriteAsync(appKey, "after", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 60_000)),
            ("metrics", """{"_os":"Android"}"""), ("events", """[{"key":"buy","count":1}]"""));

        // Each counter applies one journal in order, so once the later request shows, nothing earlier is still to come.
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
        await Expect.ReadAsync(api, appId, "device_details", MetricObjects.NewDevices(t, [("Android", 1)], """{"os":["Android"]}"""));
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""{"{Y}":{"c":1,"{M}":{"c":1,"{D}":{"c":1,"{H}":{"c":1}}}}}""", t), "&event=buy");
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }

    [Fact]
    public async Task An_event_sent_again_after_reset_is_listed_again()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"buy","count":1,"segmentation":{"plan":"pro"}}]"""));
        await api.ReadUntilAsync(appId, "get_events", j => j?["list"] is not null);
        await api.ManageAsync("/i/apps/reset", new JsonObject { ["app_id"] = appId, ["period"] = "reset" });

        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 1000)), ("events", """[{"key":"buy","count":2,"segmentation":{"plan":"pro"}}]"""));

        await Expect.ReadAsync(api, appId, "get_events", """{"_id":"@appId@","list":["buy"],"segments":{"buy":["plan"]},@limits@}""".With("appId", appId).With("limits", EmptyLimits[1..^1]));
        await Expect.ReadAsync(api, appId, "events", TestTime.Fill("""{"{Y}":{"c":2,"{M}":{"c":2,"{D}":{"c":2,"{H}":{"c":2}}}},"meta":{"segments":["plan"],"plan":["pro"]}}""", t), "&event=buy");
    }

    [Fact]
    public async Task A_device_that_comes_back_after_reset_is_new_again()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        await api.ReadUntilAsync(appId, "total_users", j => j?.ToJsonString() == """[{"_id":"users","u":1}]""");
        await api.ManageAsync("/i/apps/reset", new JsonObject { ["app_id"] = appId, ["period"] = "reset" });

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 60_000)));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Fact]
    public async Task Delete_removes_the_app_from_reads_writes_and_lists()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();

        var deleted = await api.ManageAsync("/i/apps/delete", new JsonObject { ["app_id"] = appId });

        Expect.Answer(deleted, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Answer(await api.ReadAsync(appId, "sessions"), HttpStatusCode.Unauthorized, """{"result":"App does not exist"}""");
        Expect.Answer(await api.WriteAsync(appKey, "D", ("begin_session", "1")), HttpStatusCode.BadRequest, """{"result":"App does not exist"}""");
        Assert.Null((await api.GetAsync($"/o/apps/all?api_key={api.AdminKey}")).Json!["admin_of"]![appId]);
    }

    [GeneratedRegex("^[0-9a-f]{24}$")]
    private static partial Regex Hex24();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex Hex40();
}
