using Xunit;
using System.Text.Json.Nodes;
using Analytics.Frontend.Output;
using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Tests.Output;

public sealed class DashboardOutputTests
{
    private static readonly TimeZoneInfo Istanbul = TimeZones.Get("Europe/Istanbul");

    // 15 Oct 2024 13:42 in Istanbul, the moment of the spec's examples.
    private static readonly long Now = LocalTime.ToUnixMs(new DateTime(2024, 10, 15, 13, 42, 0, DateTimeKind.Unspecified), Istanbul);

    [Fact]
    public void Empty_app_gives_the_exact_empty_dashboard()
    {
        var result = DashboardOutput.Build([], [], [], DefaultPeriods());

        const string Numbers = """
            "total_sessions":{"total":0,"change":"NA","trend":"u"},"total_users":{"total":0,"change":"NA","trend":"u","is_estimate":ESTIMATE},"new_users":{"total":0,"change":"NA","trend":"u"},"total_time":{"total":"0.0 min","change":"NA","trend":"u"},"avg_time":{"total":"0.0 min","change":"NA","trend":"u"},"avg_requests":{"total":"0.0","change":"NA","trend":"u"}
            """;
        const string Top = """
            "top":{"platforms":[],"resolutions":[],"carriers":[],"users":[]}
            """;
        var expected = "{"
            + "\"30days\":{\"dashboard\":{" + Numbers.Replace("ESTIMATE", "true") + "}," + Top + ",\"period\":\"16 Sep - 15 Oct\"},"
            + "\"7days\":{\"dashboard\":{" + Numbers.Replace("ESTIMATE", "true") + "}," + Top + ",\"period\":\"9 Oct - 15 Oct\"},"
            + "\"today\":{\"dashboard\":{" + Numbers.Replace("ESTIMATE", "false") + "}," + Top + ",\"period\":\"00:00 - 23:42\"}"
            + "}";
        Assert.Equal(expected, OutputJson.Serialize(result, escape: true));
    }

    [Theory]
    [InlineData("30days", false)]
    [InlineData("7days", false)]
    [InlineData("hour", false)]
    [InlineData("60days", true)]
    [InlineData("month", true)]
    public void A_single_period_loads_its_own_months_only_when_the_30_days_lack_some(string name, bool own)
    {
        var thirtyDays = Period.Parse("30days", Istanbul, Now);
        Assert.True(DashboardOutput.TryGetPeriods(name, Istanbul, Now, out var periods));

        Assert.Same(own ? periods[0].Period : thirtyDays, DashboardOutput.PeriodToLoad(periods, thirtyDays));
    }

    [Fact]
    public void This_years_months_in_january_load_last_january_to_compare_with()
    {
        var january = LocalTime.ToUnixMs(new DateTime(2024, 1, 20, 12, 0, 0, DateTimeKind.Unspecified), Istanbul);
        Assert.True(DashboardOutput.TryGetPeriods("month", Istanbul, january, out var periods));

        var loaded = DashboardOutput.PeriodToLoad(periods, Period.Parse("30days", Istanbul, january));

        Assert.Equal([(2023, 1), (2024, 1)], loaded.Months);
    }

    [Fact]
    public void The_default_sections_load_the_30_days()
    {
        Assert.True(DashboardOutput.TryGetPeriods(null, Istanbul, Now, out var periods));
        var thirtyDays = Period.Parse("30days", Istanbul, Now);

        Assert.Same(thirtyDays, DashboardOutput.PeriodToLoad(periods, thirtyDays));
        Assert.All(periods, p => Assert.Subset(thirtyDays.Months.ToHashSet(), p.Period.Months.ToHashSet()));
    }

    [Theory]
    [InlineData("30days")]
    [InlineData("7days")]
    [InlineData("today")]
    public void Sessions_test_numbers_match_countly(string key)
    {
        var users = SessionsTestUsers();

        var result = DashboardOutput.Build(users, [], [], DefaultPeriods(exactUsers: 2));

        Assert.Equal(
            """{"total_sessions":{"total":3,"change":"NA","trend":"u"},"total_users":{"total":2,"change":"NA","trend":"u","is_estimate":false},"new_users":{"total":2,"change":"NA","trend":"u"},"total_time":{"total":"0.5 min","change":"NA","trend":"u"},"avg_time":{"total":"0.2 min","change":"NA","trend":"u"},"avg_requests":{"total":"2.5","change":"NA","trend":"u"}}""",
            Json.Text(result[key]!["dashboard"]));
    }

    [Fact]
    public void Without_an_exact_count_special_periods_estimate_users_from_buckets()
    {
        var result = DashboardOutput.Build(SessionsTestUsers(), [], [], DefaultPeriods());

        Assert.Equal("""{"total":2,"change":"NA","trend":"u","is_estimate":true}""", Json.Text(result["30days"]!["dashboard"]!["total_users"]));
        Assert.Equal("""{"total":2,"change":"NA","trend":"u","is_estimate":false}""", Json.Text(result["today"]!["dashboard"]!["total_users"]));
    }

    [Theory]
    [InlineData(null, 2, 2, true)]
    [InlineData(0L, 2, 2, true)]
    [InlineData(9L, 3, 2, false)]
    [InlineData(1L, 1, 1, false)]
    public void Exact_user_count_overrides_the_estimate_within_sessions_and_new_users(long? exact, int users, int newUsers, bool estimate)
    {
        var result = DashboardOutput.Build(SessionsTestUsers(), [], [], [new DashboardPeriod("30days", Period.Parse("30days", Istanbul, Now), exact)]);

        var dashboard = result["30days"]!["dashboard"]!;
        Assert.Equal((users, newUsers, estimate), ((int)(decimal)dashboard["total_users"]!["total"]!, (int)(decimal)dashboard["new_users"]!["total"]!, (bool)dashboard["total_users"]!["is_estimate"]!));
    }

    [Fact]
    public void Changes_compare_with_the_previous_period()
    {
        var users = Json.Object("""{"2024":{"10":{"14":{"t":2,"n":2,"u":2,"d":120,"e":4},"15":{"t":4,"n":1,"u":3,"d":60,"e":6}}}}""");

        var result = DashboardOutput.Build(users, [], [], [new DashboardPeriod("today", Period.Parse("hour", Istanbul, Now))]);

        Assert.Equal(
            """{"total_sessions":{"total":4,"change":"100%","trend":"u"},"total_users":{"total":3,"change":"50%","trend":"u","is_estimate":false},"new_users":{"total":1,"change":"-50%","trend":"d"},"total_time":{"total":"1.0 min","change":"-50%","trend":"d"},"avg_time":{"total":"0.3 min","change":"-75%","trend":"d"},"avg_requests":{"total":"2.0","change":"0%","trend":"u"}}""",
            Json.Text(result["today"]!["dashboard"]));
    }

    [Fact]
    public void A_period_that_falls_to_zero_shows_infinity_downwards()
    {
        var users = Json.Object("""{"2024":{"10":{"14":{"t":2,"n":2,"u":2,"e":2}}}}""");

        var result = DashboardOutput.Build(users, [], [], [new DashboardPeriod("today", Period.Parse("hour", Istanbul, Now))]);

        Assert.Equal("""{"total":0,"change":"∞","trend":"d"}""", Json.Text(result["today"]!["dashboard"]!["total_sessions"]));
    }

    [Theory]
    [InlineData("""{"Android":2,"IOS":1}""", """[{"name":"Android","value":2,"percent":66.7},{"name":"IOS","value":1,"percent":33.3}]""")]
    [InlineData("""{"Android":1,"IOS":1,"Windows":1}""", """[{"name":"Android","value":1,"percent":33.4},{"name":"IOS","value":1,"percent":33.3},{"name":"Windows","value":1,"percent":33.3}]""")]
    [InlineData("""{"Android":4,"IOS":3,"Windows":2,"Linux":1}""", """[{"name":"Android","value":4,"percent":40},{"name":"IOS","value":3,"percent":30},{"name":"Windows","value":2,"percent":20}]""")]
    [InlineData("""{"Android":1,"IOS":0}""", """[{"name":"Android","value":1,"percent":100}]""")]
    [InlineData("""{"Mac:OS":1}""", """[{"name":"Mac.OS","value":1,"percent":100}]""")]
    public void Platform_bars_use_one_decimal_percents_summing_to_100(string sessionsByOs, string expected)
    {
        var result = DashboardOutput.Build([], DeviceDetails("os", sessionsByOs), [], [new DashboardPeriod("30days", Period.Parse("30days", Istanbul, Now))]);

        Assert.Equal(expected, Json.Text(result["30days"]!["top"]!["platforms"]));
    }

    [Theory]
    [InlineData(Collections.Carriers, "carriers", "Vodafone", "Telecom", """["Telecom","Vodafone"]""")]
    [InlineData(Collections.DeviceDetails, "resolutions", "2048x1536", "1200x800", """["1200x800","2048x1536"]""")]
    [InlineData(Collections.DeviceDetails, "os", "IOS", "Android", """["Android","IOS"]""")]
    public void Tied_bars_keep_storage_shard_order(string collection, string set, string firstSeen, string secondSeen, string expectedNames)
    {
        var traffic = new Traffic();
        traffic.Send("A", traffic.At(2024, 10, 15, 10, 0), begin: true, metrics: Metric(set, firstSeen));
        traffic.Send("B", traffic.At(2024, 10, 15, 11, 0), begin: true, metrics: Metric(set, secondSeen));
        var period = Period.Parse("30days", Istanbul, Now);
        var merged = TimeObject.Build(traffic.Snapshots(collection), TimeObjectShape.Metric, period.Months);

        var result = DashboardOutput.Build([], merged, merged, [new DashboardPeriod("30days", period)]);

        var bars = result["30days"]!["top"]![set == "os" ? "platforms" : set]!.AsArray();
        Assert.Equal(expectedNames, Json.Text(new JsonArray(bars.Select(b => b!["name"]!.DeepClone()).ToArray())));
        Assert.All(bars, b => Assert.Equal(50.0, (double)b!["percent"]!));
    }

    [Fact]
    public void Top_users_are_the_busiest_hours_of_today()
    {
        var users = Json.Object("""{"2024":{"10":{"15":{"t":6,"9":{"t":1},"13":{"t":3},"14":{"t":2}}}}}""");

        var result = DashboardOutput.Build(users, [], [], [new DashboardPeriod("today", Period.Parse("hour", Istanbul, Now))]);

        Assert.Equal(
            """[{"name":"13:00","value":3,"percent":50},{"name":"14:00","value":2,"percent":33.3},{"name":"09:00","value":1,"percent":16.7}]""",
            Json.Text(result["today"]!["top"]!["users"]));
    }

    [Fact]
    public void Top_users_percents_are_shares_of_all_the_sessions_of_the_period()
    {
        // Countly's session getBars: one-decimal shares of every non-empty bucket, then the top 3 kept
        // (not integer shares of the top 3 alone, the ≤20.11 behaviour).
        var users = Json.Object("""{"2024":{"10":{"15":{"t":10,"9":{"t":1},"13":{"t":3},"14":{"t":2},"15":{"t":4}}}}}""");

        var result = DashboardOutput.Build(users, [], [], [new DashboardPeriod("today", Period.Parse("hour", Istanbul, Now))]);

        Assert.Equal(
            """[{"name":"15:00","value":4,"percent":40},{"name":"13:00","value":3,"percent":30},{"name":"14:00","value":2,"percent":20}]""",
            Json.Text(result["today"]!["top"]!["users"]));
    }

    [Fact]
    public void Top_users_rounding_remainder_goes_to_the_busiest_bucket()
    {
        var users = Json.Object("""{"2024":{"10":{"15":{"t":3,"9":{"t":1},"13":{"t":1},"14":{"t":1}}}}}""");

        var result = DashboardOutput.Build(users, [], [], [new DashboardPeriod("today", Period.Parse("hour", Istanbul, Now))]);

        Assert.Equal(
            """[{"name":"09:00","value":1,"percent":33.4},{"name":"13:00","value":1,"percent":33.3},{"name":"14:00","value":1,"percent":33.3}]""",
            Json.Text(result["today"]!["top"]!["users"]));
    }

    [Fact]
    public void Top_users_are_the_busiest_days_of_a_special_period()
    {
        var result = DashboardOutput.Build(SessionsTestUsers(), [], [], DefaultPeriods());

        Assert.Equal("""[{"name":"15 Oct","value":3,"percent":100}]""", Json.Text(result["7days"]!["top"]!["users"]));
    }

    [Theory]
    [InlineData(null, new[] { "30days", "7days", "today" })]
    [InlineData("30days", new[] { "30days", "7days", "today" })]
    [InlineData("7days", new[] { "7days" })]
    [InlineData("month", new[] { "month" })]
    [InlineData("[1728939600000,1729026000000]", new[] { "1728939600000,1729026000000" })]
    public void Requested_period_other_than_30days_gives_a_single_section(string? period, string[] keys)
    {
        Assert.True(DashboardOutput.TryGetPeriods(period, Istanbul, Now, out var periods));
        Assert.Equal(keys, periods.Select(p => p.Key));
    }

    [Fact]
    public void Invalid_period_is_reported()
    {
        Assert.False(DashboardOutput.TryGetPeriods("soon", Istanbul, Now, out _));
    }

    [Fact]
    public void This_month_reads_the_month_object()
    {
        var users = Json.Object("""{"2024":{"9":{"t":5,"n":5,"u":5,"e":5},"10":{"t":10,"n":2,"u":4,"e":12,"d":600,"3":{"t":10}}}}""");

        var result = DashboardOutput.Build(users, [], [], [new DashboardPeriod("day", Period.Parse("day", Istanbul, Now))]);

        Assert.Equal("""{"total":10,"change":"100%","trend":"u"}""", Json.Text(result["day"]!["dashboard"]!["total_sessions"]));
        Assert.Equal("""[{"name":"3 Oct","value":10,"percent":100}]""", Json.Text(result["day"]!["top"]!["users"]));
        Assert.Equal("1 Oct - 31 Oct", (string)result["day"]!["period"]!);
    }

    private static IReadOnlyList<DashboardPeriod> DefaultPeriods(long? exactUsers = null)
    {
        Assert.True(DashboardOutput.TryGetPeriods(null, Istanbul, Now, out var periods));
        return periods.Select(p => p with { ExactUsers = exactUsers }).ToList();
    }

    /// <summary>Countly's sessions test state: t=3, n=2, u=2, d=30, e=5 on 15 Oct 2024.</summary>
    private static JsonObject SessionsTestUsers()
    {
        var traffic = new Traffic();
        var t = traffic.At(2024, 10, 15, 13, 20);
        traffic.Send("D", t);
        traffic.Send("D", t + 1000, begin: true);
        traffic.Send("D", t + 2000, begin: true);
        traffic.Send("D2", t + 3000, begin: true);
        traffic.Send("D", t + 4000, duration: 30);
        return TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, Period.Parse("30days", Istanbul, Now).Months);
    }

    private static JsonObject DeviceDetails(string set, string sessionsByValue)
    {
        var sessions = Json.Object(sessionsByValue);
        var day = new JsonObject();
        foreach (var (value, t) in sessions)
        {
            day[value] = new JsonObject { ["t"] = t!.DeepClone(), ["u"] = t.DeepClone() };
        }

        return new JsonObject
        {
            ["2024"] = new JsonObject { ["10"] = new JsonObject { ["15"] = day } },
            ["meta"] = new JsonObject { [set] = new JsonArray(sessions.Select(s => (JsonNode?)JsonValue.Create(s.Key)).ToArray()) },
        };
    }

    private static Metrics Metric(string set, string value) => set switch
    {
        "carriers" => new Metrics { Carrier = value },
        "resolutions" => new Metrics { Resolution = value },
        _ => new Metrics { Os = value },
    };
}
