using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Countly's member management and per-app rights over HTTP (spec §5, §3.1).</summary>
[Collection(nameof(ServerCollection))]
public sealed class UserManagementTests(ServerFixture fixture)
{
    private static string Unique(string name) => name + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Create_returns_the_member_with_its_api_key_and_app_rights()
    {
        using var api = fixture.Api();
        var (adminApp, _) = await api.CreateAppAsync();
        var (userApp, _) = await api.CreateAppAsync();
        var name = Unique("member");

        var answer = await api.ManageAsync("/i/users/create", new JsonObject
        {
            ["full_name"] = "A Member",
            ["username"] = name,
            ["password"] = "p4ssw0rd!Secret",
            ["email"] = name + "@example.com",
            ["admin_of"] = new JsonArray(adminApp),
            ["user_of"] = new JsonArray(userApp),
        });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var member = answer.Json!;
        Assert.Matches("^[0-9a-f]{24}$", member["_id"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{32}$", member["api_key"]!.GetValue<string>());
        Assert.Equal(("A Member", name, name + "@example.com", false), (member["full_name"]!.GetValue<string>(), member["username"]!.GetValue<string>(), member["email"]!.GetValue<string>(), member["global_admin"]!.GetValue<bool>()));
        Assert.Equal($"[\"{adminApp}\"]", member["admin_of"]!.ToJsonString());
        Assert.Equal($"[\"{userApp}\"]", member["user_of"]!.ToJsonString());
        Assert.Null(member["password"]);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Create_with_a_username_or_email_already_in_use_is_400_with_an_array_result(bool sameUsername, bool sameEmail)
    {
        using var api = fixture.Api();
        var name = Unique("dup");
        await api.CreateUserAsync(name);
        var other = Unique("other");

        var answer = await api.ManageAsync("/i/users/create", new JsonObject
        {
            ["full_name"] = "Twin",
            ["username"] = sameUsername ? name : other,
            ["password"] = "p4ssw0rd!Secret",
            ["email"] = (sameEmail ? name : other) + "@example.com",
        });

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":["Email or username already exists"]}""");
    }

    [Fact]
    public async Task Create_by_a_member_who_is_not_a_global_admin_is_401()
    {
        using var api = fixture.Api();
        var (_, memberKey) = await api.CreateUserAsync(Unique("plain"));

        var answer = await api.ManageAsync("/i/users/create", new JsonObject { ["full_name"] = "x", ["username"] = Unique("x"), ["password"] = "p4ssw0rd!Secret", ["email"] = Unique("x") + "@example.com" }, memberKey);

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }

    [Fact]
    public async Task A_user_of_member_reads_that_app()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (_, memberKey) = await api.CreateUserAsync(Unique("reader"), new JsonObject { ["user_of"] = new JsonArray(appId) });

        var answer = await api.GetAsync($"/o?api_key={memberKey}&app_id={appId}&method=sessions");

        Expect.Answer(answer, HttpStatusCode.OK, "{}");
    }

    [Fact]
    public async Task A_user_of_member_cannot_read_another_app()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (otherId, _) = await api.CreateAppAsync();
        var (_, memberKey) = await api.CreateUserAsync(Unique("reader"), new JsonObject { ["user_of"] = new JsonArray(appId) });

        var answer = await api.GetAsync($"/o?api_key={memberKey}&app_id={otherId}&method=sessions");

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }

    [Fact]
    public async Task A_user_of_member_cannot_create_apps()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (_, memberKey) = await api.CreateUserAsync(Unique("reader"), new JsonObject { ["user_of"] = new JsonArray(appId) });

        var answer = await api.ManageAsync("/i/apps/create", new JsonObject { ["name"] = "Not allowed" }, memberKey);

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }

    [Fact]
    public async Task An_admin_of_member_reads_the_dashboard_of_that_app()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (_, memberKey) = await api.CreateUserAsync(Unique("appadmin"), new JsonObject { ["admin_of"] = new JsonArray(appId) });

        var answer = await api.GetAsync($"/o/analytics/countries?api_key={memberKey}&app_id={appId}");

        Expect.Answer(answer, HttpStatusCode.OK, """{"30days":[],"7days":[],"today":[]}""");
    }

    [Fact]
    public async Task An_unknown_users_action_is_400()
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/users/promote", new JsonObject());

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Invalid path, must be one of /create, /update, /deleteOwnAccount or /delete"}""");
    }

    [Fact]
    public async Task Create_without_args_is_400_missing_args()
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/users/create", null);

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Error: Missing 'args' parameter"}""");
    }

    [Fact]
    public async Task A_deleted_member_is_401_user_does_not_exist()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (memberId, memberKey) = await api.CreateUserAsync(Unique("gone"), new JsonObject { ["user_of"] = new JsonArray(appId) });

        var deleted = await api.ManageAsync("/i/users/delete", new JsonObject { ["user_ids"] = new JsonArray(memberId) });
        var answer = await api.GetAsync($"/o?api_key={memberKey}&app_id={appId}&method=sessions");

        Expect.Answer(deleted, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not exist"}""");
    }

    [Fact]
    public async Task Apps_mine_of_a_member_without_apps_is_two_empty_objects()
    {
        using var api = fixture.Api();
        var (_, memberKey) = await api.CreateUserAsync(Unique("appless"));

        var answer = await api.GetAsync($"/o/apps/mine?api_key={memberKey}");

        Expect.Answer(answer, HttpStatusCode.OK, """{"admin_of":{},"user_of":{}}""");
    }
}
