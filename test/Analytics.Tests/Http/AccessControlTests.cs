using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Who may change what through the management API, and what a refused or malformed call answers (Countly's rules).</summary>
[Collection(nameof(ServerCollection))]
public sealed class AccessControlTests(ServerFixture fixture)
{
    private static string Unique(string name) => name + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_global_admin_cannot_delete_their_own_account()
    {
        using var api = fixture.Api();
        var (adminId, adminKey) = await api.CreateUserAsync(Unique("admin"), new JsonObject { ["global_admin"] = true });

        var deleted = await api.ManageAsync("/i/users/delete", new JsonObject { ["user_ids"] = new JsonArray(adminId) }, adminKey);
        var after = await api.GetAsync($"/o/apps/mine?api_key={adminKey}");

        Expect.Answer(deleted, HttpStatusCode.OK, """{"result":"Success"}""");
        Assert.Equal(HttpStatusCode.OK, after.Status);
    }

    [Fact]
    public async Task Deleting_self_and_another_member_deletes_only_the_other()
    {
        using var api = fixture.Api();
        var (adminId, adminKey) = await api.CreateUserAsync(Unique("admin"), new JsonObject { ["global_admin"] = true });
        var (otherId, otherKey) = await api.CreateUserAsync(Unique("other"));

        var deleted = await api.ManageAsync("/i/users/delete", new JsonObject { ["user_ids"] = new JsonArray(adminId, otherId) }, adminKey);

        Expect.Answer(deleted, HttpStatusCode.OK, """{"result":"Success"}""");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/o/apps/mine?api_key={adminKey}")).Status);
        Expect.Answer(await api.GetAsync($"/o/apps/mine?api_key={otherKey}"), HttpStatusCode.Unauthorized, """{"result":"User does not exist"}""");
    }

    [Theory]
    [InlineData("{}", "Error: Missing user_ids argument")]
    [InlineData("""{"user_ids":"6b0a6419e0d5e168694e8a46"}""", "Error: Invalid type for user_ids")]
    public async Task Delete_with_user_ids_missing_or_not_an_array_is_400_with_Countlys_message(string args, string message)
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/users/delete", JsonNode.Parse(args));

        Expect.Answer(answer, HttpStatusCode.BadRequest, $$"""{"result":"{{message}}"}""");
    }

    [Fact]
    public async Task Update_with_a_blank_key_keeps_the_apps_key()
    {
        using var api = fixture.Api();
        var (appId, key) = await api.CreateAppAsync();

        var answer = await api.ManageAsync("/i/apps/update", new JsonObject { ["app_id"] = appId, ["key"] = "   " });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Null(answer.Json!["key"]);
        Expect.Answer(await api.WriteAsync(key, "D"), HttpStatusCode.OK, """{"result":"Success"}""");
    }

    [Theory]
    [InlineData("/i/apps/update")]
    [InlineData("/i/apps/reset")]
    [InlineData("/i/apps/delete")]
    public async Task An_admin_of_one_app_cannot_manage_another(string path)
    {
        using var api = fixture.Api();
        var (ownApp, _) = await api.CreateAppAsync();
        var (otherApp, _) = await api.CreateAppAsync();
        var (_, appAdminKey) = await api.CreateUserAsync(Unique("appadmin"), new JsonObject { ["admin_of"] = new JsonArray(ownApp) });

        var answer = await api.ManageAsync(path, new JsonObject { ["app_id"] = otherApp, ["name"] = "Taken", ["period"] = "reset" }, appAdminKey);

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }

    [Theory]
    [InlineData("edit_map", "event_map={}")]
    [InlineData("change_visibility", "events=[\"e\"]&set_visibility=hide")]
    [InlineData("delete_events", "events=[\"e\"]")]
    public async Task An_admin_of_one_app_cannot_manage_the_events_of_another(string action, string parameters)
    {
        using var api = fixture.Api();
        var (ownApp, _) = await api.CreateAppAsync();
        var (otherApp, _) = await api.CreateAppAsync();
        var (_, appAdminKey) = await api.CreateUserAsync(Unique("appadmin"), new JsonObject { ["admin_of"] = new JsonArray(ownApp) });

        var answer = await api.GetAsync($"/i/events/{action}?api_key={appAdminKey}&app_id={otherApp}&{parameters}");

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }
}
