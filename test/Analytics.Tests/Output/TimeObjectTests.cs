using Xunit;
using Analytics.Frontend.Output;
using Analytics.Grains;

namespace Analytics.Tests.Output;

public sealed class TimeObjectTests
{
    [Fact]
    public void Nothing_stored_gives_exactly_empty_braces()
    {
        var result = TimeObject.Build([], TimeObjectShape.Users, null);

        Assert.Equal("{}", OutputJson.Serialize(result, escape: true));
    }

    [Fact]
    public void A_plain_request_before_any_session_is_invisible()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 20));

        var result = TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, null);

        Assert.Equal("{}", Json.Text(result));
    }

    [Fact]
    public void First_session_after_a_plain_request_matches_the_spec_example()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 20));
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 21), begin: true);

        var result = TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 9), (2024, 10)]);

        Assert.Equal(
            """{"2024":{"t":1,"n":1,"e":2,"u":1,"f":{"0":1},"Unknown":{"u":1,"t":1,"n":1},"w42":{"u":1,"f":{"0":1},"Unknown":{"u":1}},"10":{"t":1,"n":1,"e":2,"u":1,"f":{"0":1},"Unknown":{"u":1,"t":1,"n":1},"15":{"t":1,"n":1,"e":2,"u":1,"f":{"0":1},"Unknown":{"t":1,"n":1,"u":1},"13":{"t":1,"n":1,"e":2,"u":1}}}},"meta":{"countries":["Unknown"],"f-ranges":["0"]}}""",
            OutputJson.Serialize(result, escape: true));
    }

    // The sequence of Countly's test/3.api.write/2.write.app.sessions.js (spec §1.5 worked table).
    [Theory]
    [InlineData(1, "{}")]
    [InlineData(2, """{"t":1,"n":1,"e":2,"u":1,"f":{"0":1}}""")]
    [InlineData(3, """{"t":2,"n":1,"e":3,"u":1,"f":{"0":1,"1":1},"ds":{"0":1}}""")]
    [InlineData(4, """{"t":3,"n":2,"e":4,"u":2,"f":{"0":2,"1":1},"ds":{"0":1}}""")]
    [InlineData(5, """{"t":3,"n":2,"e":5,"d":30,"u":2,"f":{"0":2,"1":1},"ds":{"0":1}}""")]
    [InlineData(6, """{"t":3,"n":2,"e":6,"d":30,"u":2,"f":{"0":2,"1":1},"ds":{"0":1,"1":1}}""")]
    [InlineData(7, """{"t":3,"n":2,"e":7,"d":60,"u":2,"f":{"0":2,"1":1},"ds":{"0":1,"1":1}}""")]
    [InlineData(8, """{"t":3,"n":2,"e":7,"d":60,"u":2,"f":{"0":2,"1":1},"ds":{"0":1,"1":1}}""")]
    public void Worked_session_sequence_gives_countlys_year_level_numbers(int requests, string expectedYear)
    {
        var traffic = WorkedSequence(requests);

        var result = TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 10)]);

        var year = result["2024"]?.AsObject();
        Assert.Equal(expectedYear, year is null ? "{}" : Json.Text(Json.Pick(year, "t", "n", "e", "d", "u", "f", "ds")));
    }

    // Countly's city is a user property (is_user_prop): a returning user in a new city takes the
    // unique levels like one in the same city, never the "changed value" unique of other metrics.
    [Fact]
    public void A_returning_user_in_another_city_the_same_day_is_not_a_new_unique_of_it()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 15, 9, 0), begin: true, city: "Ankara");
        traffic.Send("D", traffic.At(2024, 10, 15, 9, 0, 10), end: true);
        traffic.Send("D", traffic.At(2024, 10, 15, 11, 0), begin: true, city: "Izmir");

        var result = TimeObject.Build(traffic.Snapshots(Collections.Cities), TimeObjectShape.For(Collections.Cities), [(2024, 10)]);

        Assert.Equal("""{"t":1,"n":1,"u":1}""", Json.Text(result["2024"]!["10"]!["15"]!["Ankara"]!));
        Assert.Equal("""{"t":1}""", Json.Text(result["2024"]!["10"]!["15"]!["Izmir"]!));
    }

    // Countly handles end_session only in the `else` of begin_session: a request with both
    // counts one session and one request, records no duration bucket and leaves the session open.
    [Fact]
    public void Begin_and_end_in_one_request_is_a_begin()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 20), begin: true, end: true);
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 21), end: true);

        var result = TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 10)]);

        // The second request ends the session the first one left open.
        Assert.Equal("""{"t":1,"n":1,"e":2,"u":1,"f":{"0":1},"ds":{"0":1}}""", Json.Text(Json.Pick(result["2024"]!.AsObject(), "t", "n", "e", "d", "u", "f", "ds")));
    }

    [Fact]
    public void Begin_and_end_in_one_request_starts_no_cooldown()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 20), begin: true, end: true);
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 20, 5), begin: true);

        var result = TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 10)]);

        // Not an extension: the second begin is a new session (and closes the open one's bucket).
        Assert.Equal("""{"t":2,"n":1,"e":2,"u":1,"f":{"0":1,"1":1},"ds":{"0":1}}""", Json.Text(Json.Pick(result["2024"]!.AsObject(), "t", "n", "e", "d", "u", "f", "ds")));
    }

    // The Node and Web SDKs send end_session=1&session_duration=0 when the session was just
    // extended; Countly tests the raw (truthy) parameter, so neither request adds an `e`.
    [Fact]
    public void A_zero_session_duration_adds_no_request_with_or_without_end_session()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 20), begin: true);
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 21), duration: 2);
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 22), end: true, unusableDuration: true);
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 23), unusableDuration: true);

        var result = TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 10)]);

        Assert.Equal("""{"t":1,"n":1,"e":2,"d":2,"u":1,"f":{"0":1},"ds":{"0":1}}""", Json.Text(Json.Pick(result["2024"]!.AsObject(), "t", "n", "e", "d", "u", "f", "ds")));
    }

    [Fact]
    public void Week_object_holds_only_unique_props()
    {
        var result = TimeObject.Build(WorkedSequence(8).Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 10)]);

        Assert.Equal("""{"u":2,"f":{"0":2,"1":1},"ds":{"0":1,"1":1},"Unknown":{"u":2}}""", Json.Text(result["2024"]!["w42"]));
    }

    [Theory]
    [InlineData("2024", """{"u":2,"t":3,"n":2}""")]
    [InlineData("2024.10", """{"u":2,"t":3,"n":2}""")]
    [InlineData("2024.10.15", """{"t":3,"n":2,"u":2}""")]
    public void Country_objects_sum_sessions_and_keep_stored_uniques(string path, string expected)
    {
        var result = TimeObject.Build(WorkedSequence(8).Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 10)]);

        Assert.Equal(expected, Json.Text(Path(result, path)["Unknown"]));
    }

    [Fact]
    public void Hours_are_not_summed_into_months()
    {
        var result = TimeObject.Build(WorkedSequence(8).Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 10)]);

        Assert.Null(result["2024"]!["10"]!["13"]);
        Assert.Equal("""{"t":3,"n":2,"e":7,"d":60,"u":2}""", Json.Text(result["2024"]!["10"]!["15"]!["13"]));
    }

    [Fact]
    public void Metric_collection_matches_the_spec_example()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 21), begin: true, metrics: new Metrics { Os = "Android" });

        var result = TimeObject.Build(traffic.Snapshots(Collections.DeviceDetails), TimeObjectShape.Metric, [(2024, 10)]);

        Assert.Equal(
            """{"2024":{"Android":{"u":1,"t":1,"n":1},"w42":{"Android":{"u":1}},"10":{"Android":{"u":1,"t":1,"n":1},"15":{"Android":{"t":1,"n":1,"u":1}}}},"meta":{"os":["Android"]}}""",
            Json.Text(result));
    }

    [Fact]
    public void Months_outside_the_period_keep_only_zero_document_uniques()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 8, 10, 9, 0), begin: true);
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 0), begin: true);

        var result = TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, [(2024, 10)]);

        Assert.Equal("""{"u":1,"f":{"0":1},"Unknown":{"u":1}}""", Json.Text(result["2024"]!["8"]));
        Assert.Equal(1m, TimeObjectPath.Decimal(result["2024"]!["t"]));
    }

    [Fact]
    public void Full_range_reads_every_month_document()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 8, 10, 9, 0), begin: true);
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 0), begin: true);

        var result = TimeObject.Build(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, months: null);

        Assert.Equal(2m, TimeObjectPath.Decimal(result["2024"]!["t"]));
        Assert.NotNull(result["2024"]!["8"]!["10"]);
    }

    [Fact]
    public void Years_are_merged_side_by_side_with_meta_unioned()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 12, 31, 22, 0), begin: true, metrics: new Metrics { Os = "IOS" });
        traffic.Send("E", traffic.At(2025, 1, 1, 10, 0), begin: true, metrics: new Metrics { Os = "Android" });

        var result = TimeObject.Build(traffic.Snapshots(Collections.DeviceDetails), TimeObjectShape.Metric, [(2024, 12), (2025, 1)]);

        Assert.Equal(1m, TimeObjectPath.Decimal(result["2024"]!["IOS"]!["t"]));
        Assert.Equal(1m, TimeObjectPath.Decimal(result["2025"]!["Android"]!["t"]));
        // 2024's values come first, then 2025's new ones: Countly reads zero documents in _id order.
        Assert.Equal("""["IOS","Android"]""", Json.Text(result["meta"]!["os"]));
    }

    [Fact]
    public void Refresh_returns_uniques_of_year_and_month_and_only_today()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 14, 20, 0), begin: true);
        traffic.Send("D", traffic.At(2024, 10, 15, 13, 0), begin: true);
        var now = Analytics.Grains.Domain.LocalTime.Of(traffic.At(2024, 10, 15, 13, 30), traffic.Zone);

        var result = TimeObject.BuildRefresh(traffic.Snapshots(Collections.Users), TimeObjectShape.Users, now);

        Assert.Equal(
            """{"2024":{"u":1,"f":{"0":1,"1":1},"10":{"u":1,"f":{"0":1,"1":1},"15":{"t":1,"e":1,"u":1,"f":{"1":1},"ds":{"0":1},"Unknown":{"t":1,"u":1},"13":{"t":1,"e":1,"u":1}}}},"meta":{"countries":["Unknown"],"d-ranges":["0"],"f-ranges":["0","1"]}}""",
            Json.Text(result));
    }

    [Fact]
    public void Numeric_meta_sets_come_out_in_ascending_order()
    {
        var snapshot = new CounterSnapshot
        {
            Docs = new Dictionary<string, IReadOnlyDictionary<string, decimal>> { ["0"] = new Dictionary<string, decimal> { ["u"] = 1 } },
            Meta = new Dictionary<string, string[]> { ["f-ranges"] = ["10", "2", "0"], ["d-ranges"] = ["7", "1"] },
        };

        var result = TimeObject.Build([(2024, snapshot)], TimeObjectShape.Users, null);

        Assert.Equal("""{"d-ranges":["1","7"],"f-ranges":["0","2","10"]}""", Json.Text(result["meta"]));
    }

    [Theory]
    [InlineData(new[] { "Vodafone", "Telecom" }, """["Telecom","Vodafone"]""")]
    [InlineData(new[] { "2048x1536", "1200x800" }, """["1200x800","2048x1536"]""")]
    [InlineData(new[] { "IOS", "Android" }, """["Android","IOS"]""")]
    public void Meta_values_follow_storage_shard_order(string[] firstSeen, string expected)
    {
        var snapshot = new CounterSnapshot
        {
            Docs = new Dictionary<string, IReadOnlyDictionary<string, decimal>>(),
            Meta = new Dictionary<string, string[]> { ["values"] = firstSeen },
        };

        var result = TimeObject.Build([(2024, snapshot)], TimeObjectShape.Metric, null);

        Assert.Equal(expected, Json.Text(result["meta"]!["values"]));
    }

    [Fact]
    public void Doc_ids_name_the_zero_document_and_requested_months()
    {
        Assert.Equal(["0", "9", "10"], TimeObjectShape.Users.DocIds([9, 10]));
        Assert.Equal(["no-segment|10"], TimeObjectShape.Event(null).DocIds([10]));
        Assert.Equal(["country|10"], TimeObjectShape.Event("country").DocIds([10]));
    }

    /// <summary>The first <paramref name="requests"/> requests of the spec's worked sequence, all at 2024-10-15 13:xx.</summary>
    private static Traffic WorkedSequence(int requests)
    {
        var traffic = new Traffic();
        var steps = new Action<long>[]
        {
            t => traffic.Send("D", t),
            t => traffic.Send("D", t, begin: true),
            t => traffic.Send("D", t, begin: true),
            t => traffic.Send("D2", t, begin: true),
            t => traffic.Send("D", t, duration: 30),
            t => traffic.Send("D", t, end: true),
            t => traffic.Send("D", t, duration: 30),
            t => traffic.Send("DA", t, end: true),
        };
        for (var i = 0; i < requests; i++)
        {
            steps[i](traffic.At(2024, 10, 15, 13, 20, i));
        }

        return traffic;
    }

    private static System.Text.Json.Nodes.JsonObject Path(System.Text.Json.Nodes.JsonObject root, string path) =>
        path.Split('.').Aggregate(root, (node, key) => node[key]!.AsObject());
}
