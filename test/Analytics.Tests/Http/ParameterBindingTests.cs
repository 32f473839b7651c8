using System.Net;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Countly's parameter bag over HTTP (spec §0.2): form and JSON bodies, JSON types kept, the URL query winning.</summary>
[Collection(nameof(ServerCollection))]
public sealed class ParameterBindingTests(ServerFixture fixture)
{
    [Fact]
    public async Task A_form_body_is_read_like_a_query()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var answer = await api.PostFormAsync("/i", [new("app_key", appKey), new("device_id", "D"), new("begin_session", "1"), new("timestamp", TestTime.Text(t))]);

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Fact]
    public async Task A_multipart_body_is_read_like_a_query()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        using var content = new MultipartFormDataContent
        {
            { new StringContent(appKey), "app_key" },
            { new StringContent("D"), "device_id" },
            { new StringContent("1"), "begin_session" },
            { new StringContent(TestTime.Text(t)), "timestamp" },
        };

        var answer = await api.SendAsync(HttpMethod.Post, "/i", content);

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Fact]
    public async Task A_JSON_body_keeps_its_types_metrics_as_an_object_and_begin_session_as_a_number()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        var answer = await api.PostJsonAsync("/i", $$$"""{"app_key":"{{{appKey}}}","device_id":"D","begin_session":1,"timestamp":{{{t}}},"metrics":{"_os":"Android","_os_version":"4.4"}}""");

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "device_details", MetricObjects.NewDevices(t, [("Android", 1), ("a4:4", 1)], """{"os":["Android"],"os_versions":["a4:4"]}"""));
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Theory]
    [InlineData("text/json")]
    [InlineData("application/x-json; charset=utf-8")]
    public async Task A_body_whose_content_type_mentions_json_is_read_as_JSON(string contentType)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        using var content = new StringContent($$"""{"app_key":"{{appKey}}","device_id":"D","begin_session":1,"timestamp":{{t}}}""");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        var answer = await api.SendAsync(HttpMethod.Post, "/i", content);

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Fact]
    public async Task A_JSON_body_with_begin_session_false_begins_no_session()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.PostJsonAsync("/i", $$"""{"app_key":"{{appKey}}","device_id":"D","begin_session":false,"timestamp":{{t}}}""");
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser.Replace("\"e\":1", "\"e\":2", StringComparison.Ordinal), t));
    }

    [Fact]
    public async Task The_URL_query_wins_over_the_body_for_app_key()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();

        var realInQuery = await api.PostFormAsync($"/i?app_key={appKey}", [new("app_key", "bogus"), new("device_id", "D")]);
        var realInBody = await api.PostFormAsync("/i?app_key=bogus", [new("app_key", appKey), new("device_id", "D")]);

        Expect.Answer(realInQuery, HttpStatusCode.OK, """{"result":"Success"}""");
        Expect.Answer(realInBody, HttpStatusCode.BadRequest, """{"result":"App does not exist"}""");
    }

    [Fact]
    public async Task The_URL_query_wins_over_a_JSON_body_for_metrics()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        var query = "/i?metrics=" + Uri.EscapeDataString("""{"_os":"IOS"}""");

        await api.PostJsonAsync(query, $$$"""{"app_key":"{{{appKey}}}","device_id":"D","begin_session":1,"timestamp":{{{t}}},"metrics":{"_os":"Android"}}""");

        await Expect.ReadAsync(api, appId, "device_details", MetricObjects.NewDevices(t, [("IOS", 1)], """{"os":["IOS"]}"""));
    }

    [Fact]
    public async Task Begin_session_0_in_a_query_is_a_truthy_string_and_begins_a_session()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("begin_session", "0"), ("timestamp", TestTime.Text(t)));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }
}
