using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sdk;

/// <summary>
/// The real <c>countly-sdk-web</c> (26.1.1) in Debian's headless Chromium, driven by
/// playwright-core, on a page from another origin: its server-config fetch (<c>POST /o/sdk</c>
/// <c>method=sc</c>), health check, session, page view (<c>[CLY]_view</c>), custom event and
/// session end all pass CORS and are acknowledged at the first attempt, and the session and
/// events read back through <c>/o</c> with Countly's numbers.
/// </summary>
[Collection(nameof(SdkCollection))]
public sealed class WebSdkTests(ServerFixture fixture)
{
    private const string TimeZone = "Europe/London";

    [Fact]
    public async Task Browser_session_page_view_and_event_pass_cors_and_read_back_with_Countlys_numbers()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is not installed (test.sh installs it with apt-get)");
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync("Web SDK", TimeZone);
        var scenario = new JsonObject
        {
            ["deviceId"] = "web-visitor-1",
            ["appVersion"] = "3.0",
            ["event"] = new JsonObject { ["key"] = "signup", ["count"] = 1, ["sum"] = 5, ["segmentation"] = new JsonObject { ["plan"] = "pro", ["source"] = "landing" } },
        };

        var run = await NodeScript.RunAsync("web-session.js", fixture.Server.BaseAddress, appKey, scenario, TimeSpan.FromSeconds(90));
        run.AssertFinished();

        // No CORS trouble: nothing failed in the browser, every answer allowed any origin.
        Assert.Empty(run.OfType("failed"));
        Assert.DoesNotContain(run.OfType("console"), l => l["text"]!.GetValue<string>().Contains("CORS", StringComparison.OrdinalIgnoreCase)
            || l["text"]!.GetValue<string>().Contains("Access-Control", StringComparison.OrdinalIgnoreCase));
        var sent = run.Exchanges;
        Assert.All(sent, x =>
        {
            Assert.Equal("POST", x.Method);
            Assert.Equal(200, x.Status);
            Assert.Equal("*", x.AllowOrigin);
        });

        var config = Assert.Single(sent, x => x.Endpoint == "/o/sdk");
        Assert.Equal("sc", config.Params["method"]);
        Assert.IsType<JsonObject>(JsonNode.Parse(config.Response!));

        // Every /i request acknowledged at its first attempt: no body was sent twice (`rr`, the
        // queue length, is the only part a retry may change).
        var writes = sent.Where(x => x.Endpoint == "/i").ToList();
        Assert.All(writes, x => Assert.Equal("""{"result":"Success"}""", x.Response));
        var bodies = writes.Select(x => string.Join('&', x.Params.Where(p => p.Key != "rr").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))).ToList();
        Assert.Equal(bodies.Count, bodies.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(writes, x => x.Params.ContainsKey("begin_session"));
        Assert.Contains(writes, x => x.Params.TryGetValue("events", out var e) && e.Contains("[CLY]_view", StringComparison.Ordinal));
        Assert.Contains(writes, x => x.Params.TryGetValue("end_session", out var end) && end == "1");

        var model = new CountlyModel(TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        foreach (var x in writes)
        {
            model.Apply(x.JsonParams);
        }

        var year = model.Sessions.First().Key;
        Assert.Equal(1m, model.Sessions[year]!["t"]!.GetValue<decimal>());
        await SdkReads.ExpectAsync(api, appId, "sessions", "", j => TimeObjects.Project(j, TimeObjects.SessionKeys), model.Sessions, run);

        // The page view: one visit ("1" is stored as "[CLY]1", spec §1.10) of /index.html.
        var visits = model.EventBySegment("[CLY]_view", "visit");
        Assert.Equal(1m, visits[year]!["[CLY]1"]!["c"]!.GetValue<decimal>());
        var view = await SdkReads.ExpectAsync(api, appId, "events", "&event=" + Uri.EscapeDataString("[CLY]_view") + "&segmentation=visit", TimeObjects.WithoutMeta, visits, run);
        Assert.Equal(["/index:html"], SdkReads.Sorted(view!["meta"]!["name"]));
        await SdkReads.ExpectAsync(api, appId, "events", "&event=signup", TimeObjects.WithoutMeta, model.Event("signup"), run);
        await SdkReads.ExpectAsync(api, appId, "events", "&event=signup&segmentation=plan", TimeObjects.WithoutMeta, model.EventBySegment("signup", "plan"), run);

        // get_events lists the custom event; Countly leaves its reserved [CLY]_ keys out of the list.
        var events = (await api.ReadAsync(appId, "get_events")).Json!;
        Assert.Equal(SdkReads.Sorted("signup"), SdkReads.Sorted(events["list"]));
        Assert.Equal(SdkReads.Sorted("plan", "source"), SdkReads.Sorted(events["segments"]!["signup"]));
    }

    [Fact]
    public async Task Requests_queued_offline_and_resent_after_a_failure_count_once_with_consent_user_details_and_heartbeats()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is not installed (test.sh installs it with apt-get)");
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync("Web SDK offline", TimeZone);
        const string deviceId = "web-offline-1";
        var scenario = new JsonObject
        {
            ["deviceId"] = deviceId,
            ["event"] = new JsonObject { ["key"] = "queued", ["count"] = 2, ["sum"] = 3, ["segmentation"] = new JsonObject { ["plan"] = "pro" } },
            ["userDetails"] = new JsonObject { ["name"] = "Web User", ["custom"] = new JsonObject { ["tier"] = "gold" } },
            ["heartbeatMs"] = 3500,
        };

        var run = await NodeScript.RunAsync("web-offline-retry.js", fixture.Server.BaseAddress, appKey, scenario, TimeSpan.FromSeconds(120));
        run.AssertFinished();
        Assert.False(run.OfType("console").Any(), run.ToString());

        // Offline, the SDK only queued (consent, session, event, user details): nothing went out.
        var offline = Assert.Single(run.OfType("offline-queue"));
        Assert.True(offline["requests"]!.GetValue<int>() >= 4, run.ToString());
        var writes = run.Exchanges.Where(x => x.Endpoint == "/i").ToList();
        Assert.All(writes, x =>
        {
            Assert.Equal(deviceId, x.Params["device_id"]);
            Assert.Equal(200, x.Status);
            Assert.Equal("*", x.AllowOrigin);
        });

        // The proxy answered the first delivery of each request 500 after the server had taken it;
        // the SDK sent it again (only `rr` may differ) and the server recognised the duplicate.
        // The health check is not queued, so the SDK does not send it again.
        var requests = writes.GroupBy(x => string.Join('&', x.Params.Where(p => p.Key != "rr").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")), StringComparer.Ordinal)
            .Select(g => g.ToList()).ToList();
        Assert.All(requests.Where(r => !r[0].Params.ContainsKey("hc")), r =>
        {
            Assert.Equal(2, r.Count);
            Assert.Equal("""{"result":"Success"}""", r[0].Response);
            Assert.Equal("""{"result":"Success","info":"Request ignored: Duplicate request"}""", r[1].Response);
        });
        Assert.Contains(requests, r => r[0].Params.ContainsKey("consent"));
        Assert.Contains(requests, r => r[0].Params.ContainsKey("user_details"));
        Assert.Contains(requests, r => r[0].Params.ContainsKey("begin_session"));
        Assert.Contains(requests, r => r[0].Params.TryGetValue("events", out var e) && e.Contains("\"queued\"", StringComparison.Ordinal));
        Assert.True(requests.Count(r => r[0].Params.ContainsKey("session_duration") && !r[0].Params.ContainsKey("end_session")) >= 2, run.ToString());
        Assert.Contains(requests, r => r[0].Params.ContainsKey("end_session"));

        // Read back: every request once.
        var model = new CountlyModel(TimeZoneInfo.FindSystemTimeZoneById(TimeZone));
        foreach (var r in requests)
        {
            model.Apply(r[0].JsonParams);
        }

        var year = model.Sessions.First().Key;
        Assert.Equal(1m, model.Sessions[year]!["t"]!.GetValue<decimal>());
        await SdkReads.ExpectAsync(api, appId, "sessions", "", j => TimeObjects.Project(j, TimeObjects.SessionKeys), model.Sessions, run);
        await SdkReads.ExpectAsync(api, appId, "events", "&event=queued", TimeObjects.WithoutMeta, model.Event("queued"), run);
        await SdkReads.ExpectAsync(api, appId, "events", "&event=queued&segmentation=plan", TimeObjects.WithoutMeta, model.EventBySegment("queued", "plan"), run);
    }
}
