using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>The checks of <c>/o</c> and <c>/o/analytics/*</c> in Countly's order with its exact answers (spec §3.1).</summary>
[Collection(nameof(ServerCollection))]
public sealed class ReadValidationTests(ServerFixture fixture)
{
    private const string UnknownAppId = "0123456789abcdef01234567";

    [Theory]
    [InlineData("/o")]
    [InlineData("/o?method=sessions")]
    [InlineData("/o?method=nonsense&api_key=nobody")]
    [InlineData("/o/analytics/dashboard")]
    [InlineData("/o/analytics/nonsense")]
    public async Task A_missing_app_id_is_400_even_without_an_api_key(string pathAndQuery)
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync(pathAndQuery);

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Missing parameter \"app_id\""}""");
    }

    [Theory]
    [InlineData("")]
    [InlineData("&method=nonsense")]
    [InlineData("&method=")]
    public async Task An_unknown_or_missing_method_is_400_invalid_method_before_authentication(string method)
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync($"/o?app_id={UnknownAppId}{method}");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Invalid method"}""");
    }

    [Fact]
    public async Task A_missing_api_key_is_400_missing_parameter()
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync($"/o?app_id={UnknownAppId}&method=sessions");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Missing parameter \"api_key\" or \"auth_token\""}""");
    }

    [Fact]
    public async Task An_unknown_api_key_is_401_user_does_not_exist()
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync($"/o?app_id={UnknownAppId}&method=sessions&api_key=0123456789abcdef0123456789abcdef");

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not exist"}""");
    }

    [Fact]
    public async Task A_member_without_rights_to_the_app_is_401_user_does_not_have_right()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (_, memberKey) = await api.CreateUserAsync("norights" + Guid.NewGuid().ToString("N")[..8]);

        var answer = await api.GetAsync($"/o?app_id={appId}&method=sessions&api_key={memberKey}");

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }

    [Fact]
    public async Task A_member_without_rights_is_refused_before_an_unknown_app_is_noticed()
    {
        using var api = fixture.Api();
        var (_, memberKey) = await api.CreateUserAsync("norights" + Guid.NewGuid().ToString("N")[..8]);

        var answer = await api.GetAsync($"/o?app_id={UnknownAppId}&method=sessions&api_key={memberKey}");

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }

    [Fact]
    public async Task A_global_admin_reading_an_unknown_app_is_401_app_does_not_exist()
    {
        using var api = fixture.Api();

        var answer = await api.ReadAsync(UnknownAppId, "sessions");

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"App does not exist"}""");
    }

    [Fact]
    public async Task The_countly_token_header_authenticates_like_api_key()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/o?app_id={appId}&method=sessions");
        request.Headers.Add("countly-token", api.AdminKey);

        using var response = await api.Http.SendAsync(request);

        Assert.Equal((HttpStatusCode.OK, "{}"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("")]
    public async Task An_unknown_analytics_path_is_400_with_Countlys_list_of_paths(string action)
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync($"/o/analytics/{action}?app_id={UnknownAppId}");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Invalid path, must be one of /dashboard,  /countries, /sessions, /metric, /tops, /loyalty, /frequency, /durations, /events"}""");
    }

    [Fact]
    public async Task The_analytics_paths_authenticate_like_o()
    {
        using var api = fixture.Api();

        var missing = await api.GetAsync($"/o/analytics/dashboard?app_id={UnknownAppId}");
        var unknownApp = await api.GetAsync($"/o/analytics/countries?app_id={UnknownAppId}&api_key={api.AdminKey}");

        Expect.Answer(missing, HttpStatusCode.BadRequest, """{"result":"Missing parameter \"api_key\" or \"auth_token\""}""");
        Expect.Answer(unknownApp, HttpStatusCode.Unauthorized, """{"result":"App does not exist"}""");
    }

    [Fact]
    public async Task A_locked_member_is_401_user_is_locked()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (memberId, memberKey) = await api.CreateUserAsync("locked" + Guid.NewGuid().ToString("N")[..8], new JsonObject { ["user_of"] = new JsonArray(appId) });
        Assert.Equal(HttpStatusCode.OK, (await api.ManageAsync("/i/users/update", new JsonObject { ["user_id"] = memberId, ["locked"] = true })).Status);

        var answer = await api.GetAsync($"/o?app_id={appId}&method=sessions&api_key={memberKey}");

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User is locked"}""");
    }

    [Fact]
    public async Task A_locked_member_without_rights_on_the_app_is_401_user_does_not_have_right()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();
        var (otherId, _) = await api.CreateAppAsync();
        var (memberId, memberKey) = await api.CreateUserAsync("lockedelse" + Guid.NewGuid().ToString("N")[..8], new JsonObject { ["user_of"] = new JsonArray(appId) });
        Assert.Equal(HttpStatusCode.OK, (await api.ManageAsync("/i/users/update", new JsonObject { ["user_id"] = memberId, ["locked"] = true })).Status);

        var answer = await api.GetAsync($"/o?app_id={otherId}&method=sessions&api_key={memberKey}");

        Expect.Answer(answer, HttpStatusCode.Unauthorized, """{"result":"User does not have right"}""");
    }
}
