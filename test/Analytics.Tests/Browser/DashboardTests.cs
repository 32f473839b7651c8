using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Analytics.Tests.Browser;

/// <summary>
/// The dashboard in headless Chromium, signed in as the admin, on an app that received known
/// traffic: what it renders (DOM tables, data attributes and the Chart.js instances) equals
/// both what was sent through <c>/i</c> and what the read API answers.
/// </summary>
[Collection(nameof(ServerCollection))]
public sealed class DashboardTests(ServerFixture fixture, ITestOutputHelper output)
{
    private const string MaxMindCredit = "This product includes GeoLite2 Data created by MaxMind, available from https://www.maxmind.com";

    private static readonly OncePerServer<DashboardScenario> Runs = new(DashboardScenario.RunAsync);

    [Fact]
    public async Task The_dashboard_loads_without_script_errors_or_CSP_violations()
    {
        var run = await RunAsync();

        Assert.True(run.Report["problems"]!.AsArray().Count == 0, run.Report["problems"]!.ToJsonString());
        Assert.Equal(200, run.Report["landing"]!["status"]!.GetValue<int>());
        Assert.EndsWith("/dashboard/", run.Report["landing"]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", run.Report["landing"]!["csp"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var (name, panel) in run.Report["initial"]!["panels"]!.AsObject())
        {
            if (name is "live" or "retention")
            {
                continue; // see their own tests
            }

            Assert.True(panel!["state"]!.GetValue<string>() == "ready", $"{name}: {panel.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Signing_in_with_a_wrong_key_shows_the_servers_message()
    {
        var run = await RunAsync();

        Assert.Equal("User does not exist", run.Report["wrongKey"]!["message"]!.GetValue<string>());
        Assert.Equal("signIn", run.Report["wrongKey"]!["view"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_api_key_is_kept_for_the_tab_and_forgotten_on_sign_out()
    {
        var run = await RunAsync();

        Assert.Equal(run.AdminKey, run.Report["initial"]!["storage"]!["apiKey"]!.GetValue<string>());
        Assert.Equal("dashboard", run.Report["reload"]!["view"]!.GetValue<string>());
        Assert.Equal(run.AppId, run.Report["reload"]!["app"]!.GetValue<string>());
        Assert.Equal("signIn", run.Report["signOut"]!["view"]!.GetValue<string>());
        Assert.Null(run.Report["signOut"]!["apiKey"]);
        Assert.Equal("", run.Report["signOut"]!["keyField"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_30_day_chart_shows_the_sessions_users_and_new_users_that_were_sent()
    {
        var run = await RunAsync();
        var today = run.LocalDay(run.NowMs);
        var rows = Rows(run, "daily");
        var sessions = run.Api["sessions"];

        Assert.Equal(30, rows.Count);
        Assert.Equal(DashboardScenario.DayId(today), rows[0].Id);
        for (var i = 0; i < 30; i++)
        {
            var day = today.AddDays(-i);
            var sent = run.Sessions.Where(s => run.LocalDay(s.TimestampMs) == day).ToList();
            var expected = (T: sent.Count, U: sent.Select(s => s.Device).Distinct().Count(), N: sent.Count(s => s.IsNew));
            var fromApi = sessions?[Key(day.Year)]?[Key(day.Month)]?[Key(day.Day)];
            var row = rows.Single(r => r.Id == DashboardScenario.DayId(day));
            Assert.Equal((expected.T, expected.U, expected.N), ((int)row.Values["t"], (int)row.Values["u"], (int)row.Values["n"]));
            Assert.Equal(Int(fromApi?["t"]), row.Values["t"]);
            Assert.Equal(Int(fromApi?["u"]), row.Values["u"]);
            Assert.Equal(Int(fromApi?["n"]), row.Values["n"]);
        }

        AssertChartMatchesTable(run, "daily-chart", rows, ["t", "u", "n"]);
    }

    [Fact]
    public async Task Today_by_hour_shows_the_sessions_of_each_hour()
    {
        var run = await RunAsync();
        var today = run.LocalDay(run.NowMs);
        var rows = Rows(run, "hourly");

        var hoursShown = run.LocalTime(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Hour + 1;
        Assert.InRange(rows.Count, hoursShown - 1, hoursShown);
        foreach (var row in rows)
        {
            var hour = int.Parse(row.Id, CultureInfo.InvariantCulture);
            var sent = run.Sessions.Where(s => run.LocalDay(s.TimestampMs) == today && run.LocalTime(s.TimestampMs).Hour == hour).ToList();
            Assert.Equal(sent.Count, row.Values["t"]);
            Assert.Equal(sent.Select(s => s.Device).Distinct().Count(), row.Values["u"]);
            Assert.Equal(sent.Count(s => s.IsNew), row.Values["n"]);
        }

        Assert.Equal(3, rows.Sum(r => r.Values["t"]));
        var chart = run.Report["initial"]!["charts"]!["hourly-chart"]!;
        Assert.Equal(24, chart["labels"]!.AsArray().Count);
        foreach (var row in rows)
        {
            Assert.Equal(row.Values["t"], chart["datasets"]![0]!["data"]![int.Parse(row.Id, CultureInfo.InvariantCulture)]!.GetValue<double>());
        }
    }

    [Fact]
    public async Task The_summary_cards_show_the_dashboard_endpoints_30_day_figures()
    {
        var run = await RunAsync();
        var kpis = run.Report["initial"]!["kpis"]!;
        var figures = run.Api["dashboard"]!["30days"]!["dashboard"]!;

        Assert.Equal("5", kpis["total_sessions"]!.GetValue<string>());
        Assert.Equal("3", kpis["total_users"]!.GetValue<string>());
        Assert.Equal("3", kpis["new_users"]!.GetValue<string>());
        foreach (var name in new[] { "total_sessions", "total_users", "new_users", "total_time", "avg_time", "avg_requests" })
        {
            Assert.Equal(Text(figures[name]!["total"]), kpis[name]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task The_top_lists_show_the_platforms_resolutions_and_carriers_of_the_last_30_days()
    {
        var run = await RunAsync();
        var bars = run.Report["initial"]!["bars"]!;
        var top = run.Api["dashboard"]!["30days"]!["top"]!;

        Assert.Equal([("Android", 3d, 60d), ("iOS", 2d, 40d)], Bars(bars["platforms"]));
        Assert.Equal([("1080x1920", 3d, 60d), ("1170x2532", 2d, 40d)], Bars(bars["resolutions"]));
        Assert.Equal([("Vodafone", 3d, 60d), ("Telecom", 2d, 40d)], Bars(bars["carriers"]));
        foreach (var name in new[] { "platforms", "resolutions", "carriers" })
        {
            Assert.Equal(Bars(top[name]), Bars(bars[name]));
        }
    }

    [Fact]
    public async Task The_app_versions_list_counts_the_sessions_of_each_version()
    {
        var run = await RunAsync();

        Assert.Equal([("2.0.1", 3d, 60d), ("2.1.0", 2d, 40d)], Bars(run.Report["initial"]!["bars"]!["versions"]));
    }

    [Fact]
    public async Task The_countries_table_shows_the_countries_endpoint_and_credits_MaxMind()
    {
        var run = await RunAsync();

        Assert.Equal(MaxMindCredit, run.Report["initial"]!["credit"]!.GetValue<string>());
        foreach (var period in new[] { "30days", "7days", "today" })
        {
            var shown = run.Report["countries"]![period]!["rows"]!.AsArray()
                .Select(r => (r!["id"]!.GetValue<string>(), r["label"]!.GetValue<string>(), r["values"]!["t"]!.GetValue<double>(), r["values"]!["u"]!.GetValue<double>(), r["values"]!["n"]!.GetValue<double>()))
                .ToList();
            var api = run.Api["countries"]![period]!.AsArray()
                .Select(r => (r!["code"]!.GetValue<string>(), r["country"]!.GetValue<string>(), (double)Int(r["t"]), (double)Int(r["u"]), (double)Int(r["n"])))
                .ToList();
            Assert.Equal(api, shown);
        }

        if (DashboardScenario.HasGeoIp)
        {
            var month = run.Report["countries"]!["30days"]!["rows"]!.AsArray();
            Assert.Equal(3, month.Single(r => r!["id"]!.GetValue<string>() == "us")!["values"]!["t"]!.GetValue<double>());
            Assert.Equal(2, month.Single(r => r!["id"]!.GetValue<string>() == "gb")!["values"]!["t"]!.GetValue<double>());
        }
    }

    [Fact]
    public async Task The_events_panel_shows_each_events_daily_count_and_sum()
    {
        var run = await RunAsync();
        var events = run.Report["events"]!;

        Assert.Equal(["purchase", "signup"], events.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        foreach (var key in new[] { "purchase", "signup" })
        {
            var plain = events[key]!["plain"]!;
            Assert.Equal("ready", plain["state"]!.GetValue<string>());
            var days = plain["days"]!.AsArray();
            Assert.Equal(30, days.Count);
            foreach (var day in days)
            {
                var sent = run.Events.Where(e => e.Key == key && DashboardScenario.DayId(run.LocalDay(e.TimestampMs)) == day!["id"]!.GetValue<string>()).ToList();
                Assert.Equal(sent.Sum(e => e.Count), day!["values"]!["c"]!.GetValue<double>());
                Assert.Equal(sent.Sum(e => e.Sum), day["values"]!["s"]!.GetValue<double>(), 6);
            }

            var total = run.Events.Where(e => e.Key == key).ToList();
            Assert.Equal(total.Sum(e => e.Count), plain["totals"]!["count"]!.GetValue<double>());
            Assert.Equal(total.Sum(e => e.Sum), plain["totals"]!["sum"]!.GetValue<double>(), 6);
            var counts = plain["chart"]!["datasets"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
            Assert.Equal(days.Reverse().Select(d => d!["values"]!["c"]!.GetValue<double>()), counts);
        }
    }

    [Fact]
    public async Task The_events_panel_breaks_an_event_down_by_its_segment_values()
    {
        var run = await RunAsync();
        var events = run.Report["events"]!;

        Assert.Equal("plan", events["purchase"]!["chosenSegment"]!.GetValue<string>()); // shown without asking
        var plan = Segments(events["purchase"]!["segments"]!["plan"]!);
        Assert.Equal([("pro", 2d, 19.98, 66.7), ("free", 1d, 4.99, 33.3)], plan);
        var source = Segments(events["signup"]!["segments"]!["source"]!);
        Assert.Equal([(DashboardScenario.MarkupValue, 1d, 0d, 100d)], source);
    }

    [Fact]
    public async Task Strings_from_the_api_are_shown_as_text_never_as_markup()
    {
        var run = await RunAsync();
        var initial = run.Report["initial"]!;

        Assert.Equal(DashboardScenario.AppName, initial["selectedAppText"]!.GetValue<string>());
        Assert.Null(initial["injected"]!["xss"]);
        Assert.Equal(1, initial["injected"]!["images"]!.GetValue<int>()); // the logo
        var row = run.Report["events"]!["signup"]!["segments"]!["source"]!["rows"]![0]!;
        Assert.Equal(DashboardScenario.MarkupValue, row["label"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_retention_table_shows_the_cohorts_or_the_servers_error()
    {
        var run = await RunAsync();
        var panel = run.Report["initial"]!["panels"]!["retention"]!;
        var (status, body) = run.Pending["retention"];

        if (status != HttpStatusCode.OK)
        {
            output.WriteLine($"PENDING: method=retention answers {(int)status} {body}; only the error state was checked.");
            Assert.Equal("error", panel["state"]!.GetValue<string>());
            Assert.Equal(CountlyClient.Parse(body)!["result"]!.GetValue<string>(), panel["error"]!.GetValue<string>());
            return;
        }

        var cohorts = CountlyClient.Parse(body)!.AsArray();
        var shown = run.Report["initial"]!["tables"]!["retention"]!.AsArray();
        Assert.Equal(cohorts.Count == 0 ? "empty" : "ready", panel["state"]!.GetValue<string>());
        Assert.Equal(cohorts.Count, shown.Count);
        for (var i = 0; i < cohorts.Count; i++)
        {
            var cohort = cohorts[i]!;
            var row = shown[i]!;
            var tu = Int(cohort["tu"]);
            Assert.Equal(cohort["_id"]!.ToString(), row["id"]!.GetValue<string>());
            Assert.Equal(tu, row["values"]!["tu"]!.GetValue<double>());
            for (var day = 1; day <= 14; day++)
            {
                var cell = row["cells"]![Key(day)];
                if (cohort[Key(day)] is not { } returned)
                {
                    Assert.Null(cell);
                    continue;
                }

                Assert.Equal(returned.GetValue<double>(), cell!["count"]!.GetValue<double>());
                Assert.Equal(tu > 0 ? Math.Round(1000 * returned.GetValue<double>() / tu) / 10 : 0, cell["percent"]!.GetValue<double>(), 6);
            }
        }
    }

    [Fact]
    public async Task The_live_panel_updates_after_traffic()
    {
        var run = await RunAsync();
        var live = run.Report["live"]!;
        var (status, body) = run.Pending["live"];
        var (graphStatus, graphBody) = run.Pending["live_graph"];

        Assert.Equal("TRAFFIC_SENT", live["reply"]?.GetValue<string>());
        if (status != HttpStatusCode.OK || graphStatus != HttpStatusCode.OK)
        {
            var failing = status != HttpStatusCode.OK ? body : graphBody;
            output.WriteLine($"PENDING: method=live answers {(int)status} {body}, method=live_graph {(int)graphStatus} {graphBody}; only the error state was checked.");
            Assert.Equal("error", live["after"]!["state"]!.GetValue<string>());
            Assert.Equal(CountlyClient.Parse(failing)!["result"]!.GetValue<string>(), live["after"]!["error"]!.GetValue<string>());
            return;
        }

        Assert.Equal("ready", live["after"]!["state"]!.GetValue<string>());
        Assert.True(live["changed"]?.GetValue<bool>() == true, live.ToJsonString());
        Assert.True(live["after"]!["refreshes"]!.GetValue<double>() > live["before"]!["refreshes"]!.GetValue<double>(), live.ToJsonString());
        var points = live["after"]!["rows"]!.AsArray();
        Assert.Equal(60, points.Count);
        var times = points.Select(p => long.Parse(p!["id"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.OrderDescending(), times); // newest first in the table
        Assert.Equal(60, live["after"]!["chart"]!["labels"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_screenshot_of_the_dashboard_is_saved_for_people_to_look_at()
    {
        var run = await RunAsync();

        var bytes = await File.ReadAllBytesAsync(run.ScreenshotPath);
        Assert.True(bytes.Length > 20_000, $"{run.ScreenshotPath}: {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    private async Task<DashboardScenario> RunAsync()
    {
        var run = await Runs.GetAsync(fixture);
        Assert.True(run.Script.ExitCode == 0 && run.Report["fatal"] is null, $"{run.Report["fatal"]}\n{run.Script}");
        return run;
    }

    private static List<(string Id, Dictionary<string, double> Values)> Rows(DashboardScenario run, string table) =>
        run.Report["initial"]!["tables"]![table]!.AsArray()
            .Select(r => (r!["id"]!.GetValue<string>(), r["values"]!.AsObject().ToDictionary(v => v.Key, v => v.Value!.GetValue<double>())))
            .ToList();

    private static void AssertChartMatchesTable(DashboardScenario run, string canvas, List<(string Id, Dictionary<string, double> Values)> rows, string[] keys)
    {
        var chart = run.Report["initial"]!["charts"]![canvas]!;
        var chronological = Enumerable.Reverse(rows).ToList();
        for (var i = 0; i < keys.Length; i++)
        {
            var data = chart["datasets"]![i]!["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
            Assert.Equal(chronological.Select(r => r.Values[keys[i]]), data);
        }
    }

    private static List<(string Name, double Value, double Percent)> Bars(JsonNode? list) =>
        (list?.AsArray() ?? []).Select(b => (b!["name"]!.GetValue<string>(), b["value"]!.GetValue<double>(), b["percent"]!.GetValue<double>())).ToList();

    private static List<(string Value, double Count, double Sum, double Share)> Segments(JsonNode segment)
    {
        Assert.Equal("ready", segment["state"]!.GetValue<string>());
        return segment["rows"]!.AsArray()
            .Select(r => (r!["label"]!.GetValue<string>(), r["values"]!["c"]!.GetValue<double>(), r["values"]!["s"]!.GetValue<double>(), r["values"]!["share"]!.GetValue<double>()))
            .ToList();
    }

    private static int Int(JsonNode? node) => node is null ? 0 : (int)node.GetValue<double>();

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";

    private static string Key(int n) => n.ToString(CultureInfo.InvariantCulture);
}
