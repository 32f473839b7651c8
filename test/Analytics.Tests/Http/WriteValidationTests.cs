using System.Net;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>The checks of <c>/i</c> in Countly's order with its exact answers (spec §1.2).</summary>
[Collection(nameof(ServerCollection))]
public sealed class WriteValidationTests(ServerFixture fixture)
{
    private const string Missing = """{"result":"Missing parameter \"app_key\" or \"device_id\""}""";
    private const string NoApp = """{"result":"App does not exist"}""";

    [Theory]
    [InlineData("/i")]
    [InlineData("/i?device_id=D")]
    [InlineData("/i?app_key=K")]
    [InlineData("/i?app_key=&device_id=D")]
    [InlineData("/i?app_key=K&device_id=")]
    public async Task A_missing_or_empty_app_key_or_device_id_is_400_missing_parameter(string pathAndQuery)
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync(pathAndQuery);

        Expect.Answer(answer, HttpStatusCode.BadRequest, Missing);
    }

    [Fact]
    public async Task The_zero_IDFA_is_answered_200_ignoring_device_id_before_the_app_is_looked_up()
    {
        using var api = fixture.Api();

        var answer = await api.WriteAsync("no-such-app-key", "00000000-0000-0000-0000-000000000000", ("begin_session", "1"));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Ignoring device_id"}""");
    }

    [Fact]
    public async Task The_zero_IDFA_writes_nothing()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "00000000-0000-0000-0000-000000000000", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        await api.WriteAsync(appKey, "real", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)));

        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""");
    }

    [Fact]
    public async Task An_unknown_app_key_is_400_app_does_not_exist()
    {
        using var api = fixture.Api();

        var answer = await api.WriteAsync("0123456789012345678901234567890123456789", "D", ("begin_session", "1"));

        Expect.Answer(answer, HttpStatusCode.BadRequest, NoApp);
    }

    [Theory]
    [InlineData("""{"$regex":"^a"}""")]
    [InlineData("""{"$ne":null}""")]
    [InlineData("""{"$gt":""}""")]
    [InlineData("""["KEY","x"]""")]
    [InlineData("""["KEY"]""")]
    public async Task An_object_or_array_app_key_in_a_JSON_body_is_400_app_does_not_exist(string appKeyJson)
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();

        var answer = await api.PostJsonAsync("/i", $$"""{"app_key":{{appKeyJson.Replace("KEY", appKey, StringComparison.Ordinal)}},"device_id":"D","begin_session":1}""");

        Expect.Answer(answer, HttpStatusCode.BadRequest, NoApp);
    }

    [Fact]
    public async Task A_bracketed_app_key_in_the_query_is_400_app_does_not_exist()
    {
        using var api = fixture.Api();
        await api.CreateAppAsync();

        var answer = await api.GetAsync("/i?app_key[$regex]=^a&device_id=D&begin_session=1");

        Expect.Answer(answer, HttpStatusCode.BadRequest, NoApp);
    }

    [Fact]
    public async Task A_bracketed_app_key_on_the_sdk_read_path_is_400_app_does_not_exist()
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync("/o/sdk?method=fetch_remote_config&app_key[$regex]=^a&device_id=D");

        Expect.Answer(answer, HttpStatusCode.BadRequest, NoApp);
    }

    [Fact]
    public async Task A_paused_app_is_400_not_accepting_data()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.ManageAsync("/i/apps/update", new System.Text.Json.Nodes.JsonObject { ["app_id"] = appId, ["paused"] = true })).Status);

        var answer = await api.WriteAsync(appKey, "D", ("begin_session", "1"));

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"App is currently not accepting data"}""");
    }

    [Fact]
    public async Task A_paused_app_is_reported_before_a_checksum_failure()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await api.ManageAsync("/i/apps/update", new System.Text.Json.Nodes.JsonObject { ["app_id"] = appId, ["paused"] = true, ["salt"] = "pepper" });

        var answer = await api.WriteAsync(appKey, "D", ("begin_session", "1"));

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"App is currently not accepting data"}""");
    }

    [Fact]
    public async Task A_valid_request_is_200_success()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();

        var answer = await api.WriteAsync(appKey, "D", ("begin_session", "1"));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
    }
}
