using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Browser;

/// <summary>The unmodified countly-sdk-web, loaded by <c>/demo</c> from this server, reports to it like any web app.</summary>
[Collection(nameof(ServerCollection))]
public sealed class DemoPageTests(ServerFixture fixture)
{
    private static readonly OncePerServer<DemoScenario> Runs = new(DemoScenario.RunAsync);

    [Fact]
    public async Task Every_request_of_the_sdk_is_answered_with_success_and_no_page_errors()
    {
        var run = await RunAsync();

        Assert.True(run.Report["problems"]!.AsArray().Count == 0, run.Report["problems"]!.ToJsonString());
        Assert.Contains("script-src 'self'", run.Report["landing"]!["csp"]!.GetValue<string>(), StringComparison.Ordinal);
        var requests = run.Report["requests"]!.AsArray();
        Assert.NotEmpty(requests);
        var answered = requests.Where(r => r!["status"] is not null).ToList();
        Assert.Contains(answered, r => r!["beginSession"]!.GetValue<bool>());
        Assert.All(answered, r => Assert.True(r!["status"]!.GetValue<int>() == 200, r!.ToJsonString()));
        Assert.All(requests.Where(r => r!["path"]!.GetValue<string>() == "/i"), r => Assert.Equal("POST", r!["method"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_session_the_sdk_began_shows_up_in_sessions()
    {
        var run = await RunAsync();
        using var api = fixture.Api();

        var body = await api.ReadUntilAsync(run.AppId, "sessions", json => run.Today(json)?["t"]?.GetValue<int>() == 1);

        var today = run.Today(CountlyClient.Parse(body));
        Assert.True(today?["t"]?.GetValue<int>() == 1, body);
        Assert.Equal(1, today!["n"]!.GetValue<int>());
        Assert.Equal(1, today["u"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_page_view_shows_up_as_a_CLY_view_event()
    {
        var run = await RunAsync();
        using var api = fixture.Api();

        var body = await api.ReadUntilAsync(run.AppId, "events", json => run.Today(json)?["c"] is not null, "&event=%5BCLY%5D_view");

        Assert.True(run.Today(CountlyClient.Parse(body))?["c"]?.GetValue<int>() == 1, body);
        var names = CountlyClient.Parse(body)!["meta"]?["name"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
        Assert.Contains("/demo/", names);
    }

    [Fact]
    public async Task The_custom_event_shows_up_with_its_segmentation()
    {
        var run = await RunAsync();
        using var api = fixture.Api();

        var body = await api.ReadUntilAsync(run.AppId, "events", json => run.Today(json)?["green"] is not null, "&event=demo_click&segmentation=color");

        var green = run.Today(CountlyClient.Parse(body))?["green"];
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"c":1,"s":1}"""), green), body);
        var registry = (await api.ReadAsync(run.AppId, "get_events")).Json;
        Assert.Contains("demo_click", registry!["list"]!.AsArray().Select(k => k!.GetValue<string>()));
    }

    private async Task<DemoScenario> RunAsync()
    {
        var run = await Runs.GetAsync(fixture);
        Assert.True(run.Script.ExitCode == 0 && run.Report["fatal"] is null, $"{run.Report["fatal"]}\n{run.Script}");
        return run;
    }
}
