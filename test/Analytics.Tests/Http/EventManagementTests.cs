using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>
/// <c>/i/events/edit_map|change_visibility|delete_events</c> as Countly's request processor
/// answers them, and the <c>get_events</c> fields each leaves behind.
/// </summary>
[Collection(nameof(ServerCollection))]
public sealed class EventManagementTests(ServerFixture fixture)
{
    private const string Limits = """
        "limits":{"event_limit":500,"event_segmentation_limit":100,"event_segmentation_value_limit":1000}
        """;

    [Theory]
    [InlineData("")]
    [InlineData("&events=%5B%5D")]
    [InlineData("&events=nonsense")]
    [InlineData("&events=%7B%7D")]
    public async Task Delete_events_without_events_is_an_error(string events)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await OpenAsync(api, appId, appKey);

        var answer = await api.GetAsync($"/i/events/delete_events?api_key={api.AdminKey}&app_id={appId}{events}");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Missing events to delete"}""");
    }

    [Theory]
    [InlineData("edit_map", "&event_map=%7B%7D")]
    [InlineData("change_visibility", "&set_visibility=hide&events=%5B%22e%22%5D")]
    [InlineData("delete_events", "&events=%5B%22e%22%5D")]
    public async Task Managing_the_events_of_an_app_that_never_had_any_finds_no_event_document(string action, string parameters)
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        var answer = await api.GetAsync($"/i/events/{action}?api_key={api.AdminKey}&app_id={appId}{parameters}");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Could not find event"}""");
        Expect.Answer(await api.ReadAsync(appId, "get_events"), HttpStatusCode.OK, "{" + Limits + "}");
    }

    [Theory]
    [InlineData("change_visibility")]
    [InlineData("delete_events")]
    public async Task Without_app_id_a_member_who_is_not_global_admin_gets_no_app_id_provided(string action)
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (_, adminKey) = await api.CreateUserAsync("evadmin" + Guid.NewGuid().ToString("N")[..8], new JsonObject { ["admin_of"] = new JsonArray(appId) });

        var answer = await api.GetAsync($"/i/events/{action}?api_key={adminKey}&events=" + Uri.EscapeDataString("""["e"]"""));

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"No app_id provided"}""");
    }

    /// <summary>Countly checks the lock of a global admin, who passes the rights check without an app, before anything else (found in review).</summary>
    [Theory]
    [InlineData("change_visibility")]
    [InlineData("delete_events")]
    public async Task Without_app_id_a_locked_global_admin_gets_user_is_locked(string action)
    {
        using var api = fixture.Api();
        var (id, key) = await api.CreateUserAsync("evlocked" + Guid.NewGuid().ToString("N")[..8], new JsonObject { ["global_admin"] = true });
        Assert.Equal(HttpStatusCode.OK, (await api.ManageAsync("/i/users/update", new JsonObject { ["user_id"] = id, ["locked"] = true })).Status);

        var answer = await api.GetAsync($"/i/events/{action}?api_key={key}&events=" + Uri.EscapeDataString("""["e"]"""));

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User is locked"}""");
    }

    [Fact]
    public async Task Change_visibility_alone_adds_only_the_map_to_get_events()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await OpenAsync(api, appId, appKey);

        var answer = await HideAsync(api, appId, "hide");

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Json(await api.ReadAsync(appId, "get_events"), """
            {"_id":"@appId@","list":["open"],"map":{"open":{"is_visible":false}},@Limits@}
            """.With("appId", appId).With("Limits", Limits));
    }

    [Fact]
    public async Task Showing_a_hidden_event_again_removes_its_map_entry()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await OpenAsync(api, appId, appKey);
        await HideAsync(api, appId, "hide");

        var answer = await HideAsync(api, appId, "show");

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Json(await api.ReadAsync(appId, "get_events"), """
            {"_id":"@appId@","list":["open"],"map":{},@Limits@}
            """.With("appId", appId).With("Limits", Limits));
    }

    [Fact]
    public async Task Edit_map_drops_a_visible_flag_and_a_name_equal_to_the_key()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await OpenAsync(api, appId, appKey);

        var answer = await api.GetAsync($"/i/events/edit_map?api_key={api.AdminKey}&app_id={appId}&event_map="
            + Uri.EscapeDataString("""{"open":{"name":"open","is_visible":true}}"""));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Json(await api.ReadAsync(appId, "get_events"), """
            {"_id":"@appId@","list":["open"],"order":[],"overview":[],"omitted_segments":{},"map":{},@Limits@}
            """.With("appId", appId).With("Limits", Limits));
    }

    [Fact]
    public async Task Edit_map_without_an_event_map_sets_order_overview_and_omitted_segments_but_no_map()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await OpenAsync(api, appId, appKey);

        var answer = await api.GetAsync($"/i/events/edit_map?api_key={api.AdminKey}&app_id={appId}&event_order=" + Uri.EscapeDataString("""["open"]"""));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Json(await api.ReadAsync(appId, "get_events"), """
            {"_id":"@appId@","list":["open"],"order":["open"],"overview":[],"omitted_segments":{},@Limits@}
            """.With("appId", appId).With("Limits", Limits));
    }

    [Fact]
    public async Task Edit_map_with_more_than_12_overview_items_is_refused_and_changes_nothing()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await OpenAsync(api, appId, appKey);
        var overview = new JsonArray([.. Enumerable.Range(0, 13).Select(_ => (JsonNode?)new JsonObject { ["eventKey"] = "open", ["eventProperty"] = "count" })]);

        var answer = await api.GetAsync($"/i/events/edit_map?api_key={api.AdminKey}&app_id={appId}&event_overview=" + Uri.EscapeDataString(overview.ToJsonString())
            + "&event_map=" + Uri.EscapeDataString("""{"open":{"name":"Opened"}}"""));

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"You can't add more than 12 items in overview"}""");
        Expect.Json(await api.ReadAsync(appId, "get_events"), """{"_id":"@appId@","list":["open"],@Limits@}""".With("appId", appId).With("Limits", Limits));
    }

    [Fact]
    public async Task Deleting_the_only_event_leaves_an_empty_list_and_no_management_fields()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await OpenAsync(api, appId, appKey);

        var answer = await api.GetAsync($"/i/events/delete_events?api_key={api.AdminKey}&app_id={appId}&events=" + Uri.EscapeDataString("""["open"]"""));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Json(await api.ReadAsync(appId, "get_events"), """{"_id":"@appId@","list":[],@Limits@}""".With("appId", appId).With("Limits", Limits));
    }

    private static Task<CountlyClient.Answer> HideAsync(CountlyClient api, string appId, string visibility) =>
        api.GetAsync($"/i/events/change_visibility?api_key={api.AdminKey}&app_id={appId}&set_visibility={visibility}&events=" + Uri.EscapeDataString("""["open"]"""));

    private static async Task OpenAsync(CountlyClient api, string appId, string appKey)
    {
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(TestTime.InPreviousHour(10))), ("events", """[{"key":"open","count":1}]"""));
        await api.ReadUntilAsync(appId, "events", j => j?.ToJsonString() != "{}", "&event=open");
    }
}
