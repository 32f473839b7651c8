using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary><c>method=total_users</c>, the <c>period</c> values and <c>action=refresh</c> over HTTP (spec §3.2, §2.2).</summary>
[Collection(nameof(ServerCollection))]
public sealed class ReadPeriodTests(ServerFixture fixture)
{
    [Fact]
    public async Task Total_users_counts_the_devices_that_began_a_session_in_the_period()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)));
        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 60_000)));
        await api.WriteAsync(appKey, "never-began", ("events", """[{"key":"e"}]"""), ("timestamp", TestTime.Text(t)));

        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":2}]""");
    }

    [Fact]
    public async Task Total_users_by_a_metric_has_one_row_per_value()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D1", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("metrics", """{"_os":"Android","_app_version":"2.1"}"""));
        await api.WriteAsync(appKey, "D2", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1000)), ("metrics", """{"_os":"Android"}"""));
        await api.WriteAsync(appKey, "D3", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 2000)), ("metrics", """{"_os":"iOS"}"""));

        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"Android","u":2},{"_id":"iOS","u":1}]""", "&metric=os");
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"2:1","u":1}]""", "&metric=app_versions");
        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":3}]""");
    }

    [Fact]
    public async Task Total_users_of_an_app_without_sessions_is_an_empty_array()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        await api.WriteAsync(appKey, "D", ("end_session", "1"));

        var answer = await api.ReadAsync(appId, "total_users", "&metric=users");

        Expect.Answer(answer, HttpStatusCode.OK, "[]");
    }

    [Theory]
    [InlineData("7days")]
    [InlineData("30days")]
    [InlineData("month")]
    public async Task Total_users_honours_a_period_that_includes_the_session(string period)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.ThisYear(TestTime.InPreviousHour(10));

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        await Expect.ReadAsync(api, appId, "total_users", """[{"_id":"users","u":1}]""", "&period=" + period);
    }

    [Fact]
    public async Task Total_users_of_a_range_before_the_session_is_an_empty_array()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        await api.ReadUntilAsync(appId, "total_users", j => j?.ToJsonString() == """[{"_id":"users","u":1}]""");

        var answer = await api.ReadAsync(appId, "total_users", "&period=" + Uri.EscapeDataString($"[{t - (20 * 86_400_000L)},{t - (10 * 86_400_000L)}]"));

        Expect.Answer(answer, HttpStatusCode.OK, "[]");
    }

    [Theory]
    [InlineData("7days")]
    [InlineData("month")]
    [InlineData("60days")]
    [InlineData("2weeks")]
    [InlineData("RANGE")]
    public async Task A_period_that_includes_the_data_returns_its_time_object(string period)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.ThisYear(TestTime.InPreviousHour(10));
        if (period == "RANGE")
        {
            period = Uri.EscapeDataString($"[{t - 86_400_000L},{t + 60_000}]");
        }

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t), "&period=" + period);
    }

    [Fact]
    public async Task A_range_sent_as_a_json_array_in_a_json_body_is_the_same_period_as_its_text()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.ThisYear(TestTime.InPreviousHour(10));
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        var range = new JsonArray(t - 86_400_000L, t + 60_000);
        JsonObject Body(string method) => new() { ["api_key"] = api.AdminKey, ["app_id"] = appId, ["method"] = method, ["period"] = range.DeepClone() };

        var expected = TestTime.Fill(Sessions.OneNewUser, t);
        await Expect.ReadAsync(api, appId, "sessions", expected, "&period=" + Uri.EscapeDataString(range.ToJsonString()));
        Expect.Json(await api.PostJsonAsync("/o", Body("sessions").ToJsonString()), expected);

        var dashboardText = await api.GetAsync($"/o/analytics/dashboard?api_key={api.AdminKey}&app_id={appId}&period={Uri.EscapeDataString(range.ToJsonString())}");
        Assert.Equal(HttpStatusCode.OK, dashboardText.Status);
        Expect.Json(await api.PostJsonAsync("/o/analytics/dashboard", Body("dashboard").ToJsonString()), dashboardText.Body);
    }

    [Fact]
    public async Task A_range_in_another_year_returns_an_empty_object()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        await api.ReadUntilAsync(appId, "total_users", j => j?.ToJsonString() == """[{"_id":"users","u":1}]""");

        var answer = await api.ReadAsync(appId, "sessions", "&period=" + Uri.EscapeDataString("[1420070400000,1422748800000]"));

        Expect.Answer(answer, HttpStatusCode.OK, "{}");
    }

    [Theory]
    [InlineData("sessions", "nonsense")]
    [InlineData("sessions", "0days")]
    [InlineData("sessions", "%5B1%2C2%2C3%5D")]
    [InlineData("total_users", "fortnight")]
    [InlineData("events", "days")]
    [InlineData("sessions", "%5B%2231-12-9999%22%2C%2231-12-9999%22%5D")]
    [InlineData("sessions", "%5B%2201-01-0001%22%2C%2202-01-0001%22%5D")]
    [InlineData("users", "%5B-61999999999999%2C-59000000000000%5D")]
    public async Task An_invalid_period_is_400_bad_request_parameter(string method, string period)
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        var answer = await api.ReadAsync(appId, method, "&period=" + period);

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Bad request parameter: period"}""");
    }

    [Fact]
    public async Task Refresh_returns_the_zero_bucket_uniques_and_todays_day_object_without_sums_or_weeks()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.ThisHourMs();

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill("""
            {"{Y}":{"u":1,"f":{"0":1},
              "{M}":{"u":1,"f":{"0":1},
                "{D}":{"t":1,"n":1,"u":1,"e":1,"f":{"0":1},"Unknown":{"t":1,"n":1,"u":1},
                  "{H}":{"t":1,"n":1,"u":1,"e":1}}}},
             "meta":{"countries":["Unknown"],"f-ranges":["0"]}}
            """, t), "&action=refresh");
    }

    [Fact]
    public async Task Refresh_of_a_metric_returns_only_todays_values_and_the_meta()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.ThisHourMs();

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)), ("metrics", """{"_carrier":"Vodafone"}"""));

        await Expect.ReadAsync(api, appId, "carriers", TestTime.Fill("""
            {"{Y}":{"{M}":{"{D}":{"Vodafone":{"t":1,"n":1,"u":1}}}},"meta":{"carriers":["Vodafone"]}}
            """, t), "&action=refresh");
    }

    [Theory]
    [InlineData("month", "month")]
    [InlineData("30days", "30days,7days,today")]
    public async Task The_dashboard_has_a_key_per_section_of_its_period(string period, string keys)
    {
        // Any period but 30days gives its own section only; 30days gives Countly's default three.
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        var answer = await api.GetAsync($"/o/analytics/dashboard?api_key={api.AdminKey}&app_id={appId}&period={period}");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(keys.Split(','), answer.Json!.AsObject().Select(p => p.Key));
    }

    [Theory]
    [InlineData("[\"30-12-2025\",\"02-01-2026\"]", "30-12-2025,02-01-2026")]
    [InlineData("[ 1767000000000 , 1767400000000 ]", "1767000000000,1767400000000")]
    public async Task The_dashboard_keys_a_range_as_javascript_prints_the_parsed_array(string range, string key)
    {
        // Countly parses the period into an array and uses it as the key: String(["a","b"]) is "a,b".
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        var answer = await api.GetAsync($"/o/analytics/dashboard?api_key={api.AdminKey}&app_id={appId}&period={Uri.EscapeDataString(range)}");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(key, Assert.Single(answer.Json!.AsObject()).Key);
    }

    [Fact]
    public async Task The_dashboard_of_a_past_range_counts_its_sessions()
    {
        // The range lies before the 30 days every section loads: it must load its own months.
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10) - (100 * 86_400_000L);
        var range = Uri.EscapeDataString($"[{t - 86_400_000L},{t + 86_400_000L}]");
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        await api.ReadUntilAsync(appId, "total_users", j => j?.ToJsonString() == """[{"_id":"users","u":1}]""", "&period=" + range);

        var answer = await api.GetAsync($"/o/analytics/dashboard?api_key={api.AdminKey}&app_id={appId}&period={range}");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var section = Assert.Single(answer.Json!.AsObject()).Value!["dashboard"]!;
        Assert.Equal(1, (int)section["total_sessions"]!["total"]!);
        Assert.Equal(1, (int)section["new_users"]!["total"]!);
    }

    [Theory]
    [InlineData("eons")]
    [InlineData("%5B%2231-12-9999%22%2C%2231-12-9999%22%5D")]
    public async Task The_dashboard_with_an_invalid_period_is_400(string period)
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync();

        var answer = await api.GetAsync($"/o/analytics/dashboard?api_key={api.AdminKey}&app_id={appId}&period={period}");

        Expect.Answer(answer, HttpStatusCode.BadRequest, """{"result":"Bad request parameter: period"}""");
    }

    [Fact]
    public async Task Full_range_reads_every_year_with_data_whatever_the_period_and_the_apps_creation()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var now = TestTime.InPreviousHour(10);
        var currentYear = DateTimeOffset.FromUnixTimeMilliseconds(now).UtcDateTime.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // SDKs send past timestamps: 2003 and 2019, long before the app was created, and now.
        const string year2003 = "1055678400000", year2019 = "1560600000000";
        await api.WriteAsync(appKey, "old", ("begin_session", "1"), ("timestamp", year2003), ("events", """[{"key":"yy","count":2,"timestamp":1055678400000}]"""));
        await api.WriteAsync(appKey, "mid", ("begin_session", "1"), ("timestamp", year2019), ("metrics", """{"_os":"Android"}"""));
        await api.WriteAsync(appKey, "new", ("begin_session", "1"), ("timestamp", TestTime.Text(now)), ("events", """[{"key":"yy","count":3}]"""));

        static bool HasYears(JsonNode? j, params string[] years) => j is JsonObject o && years.All(o.ContainsKey);
        foreach (var extra in new[] { "&fullRange=true", "&fullRange=true&period=30days" })
        {
            var sessions = await api.ReadUntilAsync(appId, "sessions", j => HasYears(j, "2003", "2019", currentYear), extra);
            Assert.True(HasYears(JsonNode.Parse(sessions), "2003", "2019", currentYear), sessions);
            Assert.Equal(1m, JsonNode.Parse(sessions)!["2003"]!["t"]!.GetValue<decimal>());
            var devices = await api.ReadUntilAsync(appId, "device_details", j => HasYears(j, "2019"), extra);
            Assert.True(HasYears(JsonNode.Parse(devices), "2019"), devices);
            var events = await api.ReadUntilAsync(appId, "events", j => HasYears(j, "2003", currentYear), "&event=yy" + extra);
            Assert.Equal(2m, JsonNode.Parse(events)!["2003"]!["c"]!.GetValue<decimal>());
        }

        // Without it, the period rules.
        var month = await api.ReadAsync(appId, "sessions", "&period=30days");
        Assert.False(HasYears(month.Json, "2003"), month.Body);
    }

    [Fact]
    public async Task An_events_list_of_any_length_is_read_and_summed_entry_by_entry()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"k01","count":2},{"key":"k40","count":3}]"""));

        var keys = "[" + string.Join(",", Enumerable.Range(0, 60).Select(i => $"\"k{i:00}\"")) + "]";
        var body = await api.ReadUntilAsync(appId, "events", j => j?.ToJsonString().Contains("\"c\":5", StringComparison.Ordinal) == true, "&events=" + Uri.EscapeDataString(keys));
        var year = DateTimeOffset.FromUnixTimeMilliseconds(t).UtcDateTime.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(5m, JsonNode.Parse(body)![year]!["c"]!.GetValue<decimal>());

        // A key listed twice counts twice, as Countly sums each entry of the list.
        var twice = await api.ReadAsync(appId, "events", "&events=" + Uri.EscapeDataString("""["k01","k01"]"""));
        Assert.Equal(4m, twice.Json![year]!["c"]!.GetValue<decimal>());
    }
}
