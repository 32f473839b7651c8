using Xunit;
using Analytics.Frontend.Output;
using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Tests.Output;

public sealed class EventsOutputTests
{
    private static readonly (int, int)[] October = [(2024, 10)];

    [Fact]
    public void Plain_event_matches_the_spec_example_without_meta()
    {
        var traffic = new Traffic();
        Send(traffic, 13, Event("test1", count: 1, sum: 2.97m));

        var result = EventsOutput.Build(traffic.Snapshots(Collections.Event("test1")), null, October);

        Assert.Equal("""{"2024":{"c":1,"s":2.97,"10":{"c":1,"s":2.97,"15":{"c":1,"s":2.97,"13":{"c":1,"s":2.97}}}}}""", OutputJson.Serialize(result, escape: true));
    }

    [Fact]
    public void Plain_event_sums_days_into_month_and_year_but_not_hours()
    {
        var traffic = new Traffic();
        Send(traffic, 10, Event("buy", count: 2, dur: 1.5m));
        Send(traffic, 13, Event("buy", count: 3));

        var result = EventsOutput.Build(traffic.Snapshots(Collections.Event("buy")), "no-segment", October);

        Assert.Equal("""{"2024":{"c":5,"dur":1.5,"10":{"c":5,"dur":1.5,"15":{"c":5,"dur":1.5,"10":{"c":2,"dur":1.5},"13":{"c":3}}}}}""", Json.Text(result));
    }

    [Fact]
    public void Plain_event_that_had_segments_carries_meta()
    {
        var traffic = new Traffic();
        Send(traffic, 13, Event("buy", segments: ("country", "Latvia")));
        Send(traffic, 13, Event("buy", segments: ("country", "Turkey")));

        var result = EventsOutput.Build(traffic.Snapshots(Collections.Event("buy")), null, October);

        Assert.Equal("""{"country":["Turkey","Latvia"],"segments":["country"]}""", Json.Text(result["meta"]));
    }

    [Fact]
    public void Segmentation_gives_per_value_objects_at_year_month_and_day_without_plain_totals()
    {
        var traffic = new Traffic();
        Send(traffic, 13, Event("buy", count: 3, segments: ("country", "Turkey")));
        Send(traffic, 14, Event("buy", count: 2, sum: 1.5m, segments: ("country", "Latvia")));

        var result = EventsOutput.Build(traffic.Snapshots(Collections.Event("buy")), "country", October);

        Assert.Equal(
            """{"2024":{"Turkey":{"c":3},"Latvia":{"c":2,"s":1.5},"10":{"Turkey":{"c":3},"Latvia":{"c":2,"s":1.5},"15":{"Turkey":{"c":3},"Latvia":{"c":2,"s":1.5}}}},"meta":{"country":["Turkey","Latvia"],"segments":["country"]}}""",
            Json.Text(result));
    }

    [Fact]
    public void Unknown_segment_gives_only_meta()
    {
        var traffic = new Traffic();
        Send(traffic, 13, Event("buy", segments: ("country", "Turkey")));

        var result = EventsOutput.Build(traffic.Snapshots(Collections.Event("buy")), "version", October);

        Assert.Equal("""{"meta":{"country":["Turkey"],"segments":["country"]}}""", Json.Text(result));
    }

    [Fact]
    public void Merge_sums_events_key_by_key_and_concatenates_meta()
    {
        var a = Json.Object("""{"2024":{"c":1,"s":2.5,"10":{"c":1,"15":{"c":1,"13":{"c":1}}}},"meta":{"segments":["a"],"a":["x"]}}""");
        var b = Json.Object("""{"2024":{"c":2,"10":{"c":2,"15":{"c":2,"13":{"c":1},"14":{"c":1}}}},"meta":{"segments":["a","b"],"b":["y"]}}""");

        var result = EventsOutput.Merge([a, b]);

        Assert.Equal(
            """{"2024":{"c":3,"s":2.5,"10":{"c":3,"15":{"c":3,"13":{"c":2},"14":{"c":1}}}},"meta":{"segments":["a","b"],"a":["x"],"b":["y"]}}""",
            Json.Text(result));
    }

    [Fact]
    public void Merge_of_no_events_is_empty_and_of_events_without_data_an_empty_meta()
    {
        Assert.Equal("{}", Json.Text(EventsOutput.Merge([], named: false)));
        Assert.Equal("""{"meta":{}}""", Json.Text(EventsOutput.Merge([])));
    }

    [Fact]
    public void Refresh_keeps_meta_and_today_only()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 14, 12, 0), events: [Event("buy", at: traffic.At(2024, 10, 14, 12, 0), segments: ("country", "Turkey"))]);
        Send(traffic, 13, Event("buy", count: 2));
        var now = LocalTime.Of(traffic.At(2024, 10, 15, 13, 30), traffic.Zone);

        var result = EventsOutput.Refresh(traffic.Snapshots(Collections.Event("buy")), null, now);

        Assert.Equal("""{"2024":{"10":{"15":{"c":2,"13":{"c":2}}}},"meta":{"country":["Turkey"],"segments":["country"]}}""", Json.Text(result));
    }

    [Theory]
    [InlineData(new[] { "[CLY]_view", "b", "a" }, new[] { "z" }, "b")]
    [InlineData(new string[0], new[] { "[CLY]_crash", "zeta", "alpha" }, "alpha")]
    [InlineData(new string[0], new[] { "[CLY]_crash" }, null)]
    public void Default_event_is_first_non_reserved_of_order_else_of_sorted_list(string[] order, string[] list, string? expected) =>
        Assert.Equal(expected, EventsOutput.DefaultEvent(order, list));

    private static void Send(Traffic traffic, int hour, IngestEvent e) =>
        traffic.Send("D", traffic.At(2024, 10, 15, hour, 10), events: [e with { Timestamp = traffic.At(2024, 10, 15, hour, 10) }]);

    private static IngestEvent Event(string key, long count = 1, decimal? sum = null, decimal? dur = null, long at = 0, (string Key, string Value)? segments = null) => new()
    {
        Key = key,
        Count = count,
        Sum = sum,
        Dur = dur,
        Timestamp = at,
        Segments = segments is { } s ? [KeyValuePair.Create(s.Key, s.Value)] : [],
    };
}
