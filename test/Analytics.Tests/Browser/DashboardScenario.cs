using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Browser;

/// <summary>
/// Sends known traffic through <c>/i</c> to a new app, captures what the read API answers,
/// then lets <c>dashboard.mjs</c> sign in, choose the app and read back everything the
/// dashboard renders; during its live phase more traffic is sent.
/// </summary>
public sealed class DashboardScenario
{
    /// <summary>An app name with markup in it: the dashboard must show it as text.</summary>
    public const string AppName = "Shop <img src=x onerror=window.__xss=1> & \"Co\"";

    /// <summary>A segment value with markup in it.</summary>
    public const string MarkupValue = "<b>ad</b>";

    private const long Day = 86_400_000;
    private const long Minute = 60_000;

    private DashboardScenario(string adminKey, string appId, TimeZoneInfo zone, long nowMs)
    {
        AdminKey = adminKey;
        AppId = appId;
        Zone = zone;
        NowMs = nowMs;
    }

    /// <summary>The admin's api key (the one the script signs in with).</summary>
    public string AdminKey { get; }

    /// <summary>The app the dashboard shows.</summary>
    public string AppId { get; }

    /// <summary>The app's time zone: a fixed offset putting "now" near local noon, so no day boundary is crossed during the test.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>When the traffic was sent.</summary>
    public long NowMs { get; }

    /// <summary>The sessions sent, oldest first.</summary>
    public List<SentSession> Sessions { get; } = [];

    /// <summary>The events sent.</summary>
    public List<SentEvent> Events { get; } = [];

    /// <summary>API answers captured right before the browser ran (method or path → body).</summary>
    public Dictionary<string, JsonNode?> Api { get; } = [];

    /// <summary>Status and message of endpoints that may not exist yet (live, live_graph, retention).</summary>
    public Dictionary<string, (HttpStatusCode Status, string Body)> Pending { get; } = [];

    /// <summary>What the script read from the page.</summary>
    public JsonNode Report { get; private set; } = new JsonObject();

    /// <summary>The script's exit and output.</summary>
    public ScriptResult Script { get; private set; } = new(0, "", "");

    /// <summary>Where the screenshot went.</summary>
    public string ScreenshotPath { get; } = Path.Combine(BrowserScript.ArtifactsDir, "dashboard.png");

    /// <summary>Whether the server locates IP addresses (the GeoLite2 file is there).</summary>
    public static bool HasGeoIp => File.Exists(Path.Combine(RepoPaths.Root, ".data", "geoip", "GeoLite2-City.mmdb"));

    /// <summary>The app-local date of <paramref name="ms"/>.</summary>
    public DateTime LocalDay(long ms) => LocalTime(ms).Date;

    /// <summary>The app-local time of <paramref name="ms"/>.</summary>
    public DateTime LocalTime(long ms) => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), Zone).DateTime;

    /// <summary>The dashboard's row id of a day.</summary>
    public static string DayId(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Runs the scenario on <paramref name="fixture"/>'s server.</summary>
    public static async Task<DashboardScenario> RunAsync(ServerFixture fixture)
    {
        using var api = fixture.Api();
        var utcNow = DateTimeOffset.UtcNow;
        var zoneId = NoonZone(utcNow);
        var (appId, appKey) = await api.CreateAppAsync(AppName, zoneId);
        var scenario = new DashboardScenario(api.AdminKey, appId, TimeZoneInfo.FindSystemTimeZoneById(zoneId), utcNow.ToUnixTimeMilliseconds());
        await scenario.SendAsync(api, appKey);
        await scenario.WaitVisibleAsync(api);
        await scenario.CaptureAsync(api);

        var output = Path.Combine(BrowserScript.ArtifactsDir, "dashboard.json");
        var live = 0;
        scenario.Script = await BrowserScript.RunAsync(
            "dashboard.mjs",
            [fixture.Server.BaseAddress.ToString().TrimEnd('/'), api.AdminKey, appId, output, scenario.ScreenshotPath],
            TimeSpan.FromSeconds(200),
            async line =>
            {
                if (line != "LIVE_BASELINE")
                {
                    return null;
                }

                // Traffic while the page watches: three new visitors with a session and an event each.
                var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                for (var i = 0; i < 3; i++)
                {
                    var device = $"live-{++live}";
                    await api.WriteAsync(appKey, device, ("begin_session", "1"), ("timestamp", Ms(at + i)), ("metrics", """{"_os":"Android"}"""));
                    await api.WriteAsync(appKey, device, ("events", $$"""[{"key":"purchase","count":1,"sum":1,"timestamp":{{at + i + 1}}}]"""), ("timestamp", Ms(at + i + 1)));
                }

                return "TRAFFIC_SENT";
            });
        scenario.Report = File.Exists(output) ? JsonNode.Parse(await File.ReadAllTextAsync(output)) ?? new JsonObject() : new JsonObject();
        return scenario;
    }

    /// <summary>The Etc/GMT±N zone in which it is now between 12:00 and 13:00.</summary>
    private static string NoonZone(DateTimeOffset utcNow)
    {
        var offset = 12 - utcNow.Hour;
        return offset switch
        {
            0 => "Etc/GMT",
            > 0 => $"Etc/GMT-{offset}",
            _ => $"Etc/GMT+{-offset}",
        };
    }

    private static string Ms(long ms) => ms.ToString(CultureInfo.InvariantCulture);

    private async Task SendAsync(CountlyClient api, string appKey)
    {
        var now = NowMs;
        SentSession Session(string device, long at, bool isNew, string os, string resolution, string carrier, string version, string ip) =>
            new(device, at, isNew, os, resolution, carrier, version, ip);

        // Older than 30 days: must not show.
        Sessions.Add(Session("dev-d", now - (40 * Day), true, "Android", "720x1280", "Orange", "1.9.0", "8.8.8.8"));
        Sessions.Add(Session("dev-a", now - (10 * Day), true, "Android", "1080x1920", "Vodafone", "2.0.1", "8.8.8.8"));
        Sessions.Add(Session("dev-b", now - (3 * Day), true, "iOS", "1170x2532", "Telecom", "2.0.1", "81.2.69.142"));
        Sessions.Add(Session("dev-a", now - (3 * Minute), false, "Android", "1080x1920", "Vodafone", "2.1.0", "8.8.8.8"));
        Sessions.Add(Session("dev-b", now - (2 * Minute), false, "iOS", "1170x2532", "Telecom", "2.0.1", "81.2.69.142"));
        Sessions.Add(Session("dev-c", now - Minute, true, "Android", "1080x1920", "Vodafone", "2.1.0", "8.8.8.8"));
        Events.Add(new("dev-b", now - (3 * Day) + 1000, "purchase", 1, 4.99, "plan", "free"));
        Events.Add(new("dev-a", now - (3 * Minute) + 1000, "purchase", 2, 19.98, "plan", "pro"));
        Events.Add(new("dev-c", now - Minute + 1000, "signup", 1, 0, "source", MarkupValue));

        foreach (var s in Sessions)
        {
            var metrics = new JsonObject { ["_os"] = s.Os, ["_resolution"] = s.Resolution, ["_carrier"] = s.Carrier, ["_app_version"] = s.AppVersion };
            await Expect200(api.WriteAsync(appKey, s.Device, ("begin_session", "1"), ("timestamp", Ms(s.TimestampMs)), ("metrics", metrics.ToJsonString()), ("ip_address", s.Ip)));
            foreach (var e in Events.Where(e => e.Device == s.Device && e.TimestampMs > s.TimestampMs && e.TimestampMs < s.TimestampMs + 5000))
            {
                var json = new JsonArray(new JsonObject
                {
                    ["key"] = e.Key,
                    ["count"] = e.Count,
                    ["sum"] = e.Sum,
                    ["timestamp"] = e.TimestampMs,
                    ["segmentation"] = new JsonObject { [e.Segment] = e.Value },
                });
                await Expect200(api.WriteAsync(appKey, s.Device, ("events", json.ToJsonString()), ("timestamp", Ms(e.TimestampMs)), ("ip_address", s.Ip)));
            }
        }

        var last = Sessions[^1];
        await Expect200(api.WriteAsync(appKey, last.Device, ("session_duration", "120"), ("end_session", "1"), ("timestamp", Ms(last.TimestampMs + 120_000)), ("ip_address", last.Ip)));
    }

    private static async Task Expect200(Task<CountlyClient.Answer> write)
    {
        var answer = await write;
        if (answer.Status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"/i answered {answer.Status}: {answer.Body}");
        }
    }

    private async Task WaitVisibleAsync(CountlyClient api)
    {
        var today = LocalDay(NowMs);
        var ok = await CountlyClient.EventuallyAsync(async () =>
        {
            var sessions = (await api.ReadAsync(AppId, "sessions", "&period=30days")).Json;
            var purchase = (await api.ReadAsync(AppId, "events", "&event=purchase&period=30days")).Json;
            var signup = (await api.ReadAsync(AppId, "events", "&event=signup&period=30days")).Json;
            var dashboard = (await api.GetAsync($"/o/analytics/dashboard?api_key={AdminKey}&app_id={AppId}")).Json;
            // Everything sent, the last request (dev-c's 120 s and end) included: the API snapshot
            // below and the page must read the same settled figures.
            var day = sessions?[Key(today.Year)]?[Key(today.Month)]?[Key(today.Day)];
            return day?["t"]?.GetValue<int>() == 3 && day?["d"]?.GetValue<int>() == 120
                && signup?[Key(today.Year)]?[Key(today.Month)]?[Key(today.Day)]?["c"]?.GetValue<int>() == 1
                && purchase?[Key(today.Year)]?[Key(today.Month)]?[Key(today.Day)]?["c"]?.GetValue<int>() == 2
                && dashboard?["30days"]?["dashboard"]?["total_users"]?["total"]?.GetValue<int>() == 3;
        }, TimeSpan.FromSeconds(30));
        if (!ok)
        {
            throw new InvalidOperationException("the traffic did not become visible through /o within 30 s");
        }
    }

    private async Task CaptureAsync(CountlyClient api)
    {
        var key = $"api_key={AdminKey}&app_id={AppId}";
        Api["sessions"] = (await api.ReadAsync(AppId, "sessions", "&period=30days&noescape=true")).Json;
        Api["dashboard"] = (await api.GetAsync($"/o/analytics/dashboard?{key}&noescape=true")).Json;
        Api["countries"] = (await api.GetAsync($"/o/analytics/countries?{key}&noescape=true")).Json;
        foreach (var (name, extra) in new[] { ("live", ""), ("live_graph", ""), ("retention", "&period=adaily&span=14&rettype=classic") })
        {
            var answer = await api.ReadAsync(AppId, name, extra + "&noescape=true");
            Pending[name] = (answer.Status, answer.Body);
        }
    }

    private static string Key(int n) => n.ToString(CultureInfo.InvariantCulture);
}
