using System.Net;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>Countly's transport rules on every path (spec §0.2): methods, CORS, extra headers, JSONP, global checks.</summary>
[Collection(nameof(ServerCollection))]
public sealed class TransportTests(ServerFixture fixture)
{
    public static TheoryData<string> OtherMethods => new() { "PUT", "DELETE", "PATCH" };

    public static TheoryData<string, string> AnyResponse => new()
    {
        { "GET", "/o/ping" },
        { "GET", "/i" },
        { "POST", "/i/bulk" },
        { "GET", "/o" },
        { "GET", "/nowhere" },
        { "PUT", "/i" },
        { "OPTIONS", "/i" },
    };

    [Theory]
    [MemberData(nameof(OtherMethods))]
    public async Task Methods_other_than_GET_POST_and_OPTIONS_are_405_method_not_allowed(string method)
    {
        using var api = fixture.Api();

        var answer = await api.SendAsync(new HttpMethod(method), "/i?app_key=x&device_id=y");

        Expect.Answer(answer, HttpStatusCode.MethodNotAllowed, """{"result":"Method not allowed"}""");
    }

    [Fact]
    public async Task OPTIONS_is_200_with_an_empty_body_and_the_three_CORS_headers()
    {
        using var api = fixture.Api();

        var answer = await api.SendAsync(HttpMethod.Options, "/o/analytics/dashboard");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("", answer.Body);
        var headers = answer.Response.Headers;
        Assert.Equal("*", Assert.Single(headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("POST, GET, OPTIONS", Assert.Single(headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Equal("countly-token, Content-Type", Assert.Single(headers.GetValues("Access-Control-Allow-Headers")));
    }

    [Theory]
    [MemberData(nameof(AnyResponse))]
    public async Task Every_response_carries_the_security_headers_and_no_server_banner(string method, string path)
    {
        using var api = fixture.Api();

        var answer = await api.SendAsync(new HttpMethod(method), path);

        var headers = answer.Response.Headers;
        Assert.Equal("deny", Assert.Single(headers.GetValues("X-Frame-Options")));
        Assert.Equal("1; mode=block", Assert.Single(headers.GetValues("X-XSS-Protection")));
        Assert.Equal("*", Assert.Single(headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(headers.Contains("Server"), "the response names the web server");
    }

    [Fact]
    public async Task An_unknown_path_is_400_invalid_path()
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync("/foo?app_key=x&device_id=y");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Invalid path"}""");
    }

    [Theory]
    [InlineData("/o?method=sessions&app_id=123")]
    [InlineData("/i?app_key=k&device_id=d&app_id=5f1e8c1e8c1e8c1e8c1e8c1e8")]
    [InlineData("/foo?app_id=abc")]
    public async Task An_app_id_that_is_not_24_characters_is_400_invalid_parameter_on_any_path(string pathAndQuery)
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync(pathAndQuery);

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Invalid parameter \"app_id\""}""");
    }

    [Fact]
    public async Task A_user_id_that_is_not_24_characters_is_400_invalid_parameter()
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync("/o?user_id=42");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Invalid parameter \"user_id\""}""");
    }

    [Fact]
    public async Task JSONP_wraps_a_data_response_without_changing_status_or_content_type()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        var answer = await api.ReadAsync(appId, "sessions", "&callback=cb");

        Expect.Answer(answer, HttpStatusCode.OK, "cb({})");
    }

    [Fact]
    public async Task JSONP_wraps_an_error_message_without_changing_status_or_content_type()
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync("/o?callback=cb");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """cb({"result":"Missing parameter \"app_id\""})""");
    }

    [Fact]
    public async Task JSONP_wraps_an_ingest_answer()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();

        var answer = await api.WriteAsync(appKey, "D", ("callback", "Countly.cb_1"));

        Expect.Answer(answer, HttpStatusCode.OK, """Countly.cb_1({"result":"Success"})""");
    }

    [Theory]
    [InlineData("alert(1)")]
    [InlineData("cb[0]")]
    [InlineData("foo\n")]
    [InlineData("")]
    public async Task A_callback_that_is_not_an_identifier_is_not_reflected_and_changes_nothing_else(string callback)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();

        var error = await api.GetAsync("/o?callback=" + Uri.EscapeDataString(callback));
        var read = await api.ReadAsync(appId, "sessions", "&callback=" + Uri.EscapeDataString(callback));
        var write = await api.WriteAsync(appKey, "D", ("callback", callback));

        Expect.Answer(error, HttpStatusCode.BadRequest, """{"result":"Missing parameter \"app_id\""}""");
        Expect.Answer(read, HttpStatusCode.OK, "{}");
        Expect.Answer(write, HttpStatusCode.OK, """{"result":"Success"}""");
    }

    [Fact]
    public async Task Data_responses_HTML_escape_their_strings()
    {
        using var api = fixture.Api();

        var answer = await api.ManageAsync("/i/apps/create", new System.Text.Json.Nodes.JsonObject { ["name"] = "A \"quoted\" <b>Tom & Jerry's</b> &amp;" });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains("\"name\":\"A &quot;quoted&quot; &lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt; &amp;\"", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Noescape_returns_data_strings_as_they_are()
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync("A \"quoted\" <b>name</b>");

        var answer = await api.GetAsync($"/o/apps/all?api_key={api.AdminKey}&noescape=true");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("A \"quoted\" <b>name</b>", answer.Json!["admin_of"]![appId]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_query_longer_than_the_limit_is_413_in_Countlys_shape()
    {
        using var api = fixture.Api();

        var answer = await api.GetAsync("/i?app_key=k&device_id=d&pad=" + new string('x', 33 * 1024));

        Expect.Answer(answer, HttpStatusCode.RequestEntityTooLarge, """{"result":"Request URL is too long (limit 32768 characters)"}""");
        Assert.Equal("deny", Assert.Single(answer.Response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task A_query_of_20000_characters_is_read()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();

        var answer = await api.GetAsync($"/i?app_key={appKey}&device_id=d&pad=" + new string('x', 20_000));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
    }
}
