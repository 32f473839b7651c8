using System.Globalization;
using System.Net;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>How <c>timestamp</c> and <c>session_duration</c> place and size what a request counts (spec §1.1, §1.5).</summary>
[Collection(nameof(ServerCollection))]
public sealed class TimestampTests(ServerFixture fixture)
{
    private const string BeginAndDuration = """
        {"{Y}":{"t":1,"n":1,"u":1,"e":2,"d":DUR,"f":{"0":1},"Unknown":{"u":1,"t":1,"n":1},
          "{W}":{"u":1,"f":{"0":1},"Unknown":{"u":1}},
          "{M}":{"t":1,"n":1,"u":1,"e":2,"d":DUR,"f":{"0":1},"Unknown":{"u":1,"t":1,"n":1},
            "{D}":{"t":1,"n":1,"u":1,"e":2,"d":DUR,"f":{"0":1},"Unknown":{"t":1,"n":1,"u":1},
              "{H}":{"t":1,"n":1,"u":1,"e":2,"d":DUR}}}},
         "meta":{"countries":["Unknown"],"f-ranges":["0"]}}
        """;

    [Theory]
    [InlineData("seconds")]
    [InlineData("milliseconds")]
    [InlineData("fractional seconds")]
    public async Task A_timestamp_places_the_session_in_its_hour(string unit)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(20, 30);
        var sent = unit switch
        {
            "seconds" => TestTime.Seconds(t),
            "milliseconds" => TestTime.Text(t),
            _ => TestTime.Seconds(t) + ".5",
        };

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", sent));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Fact]
    public async Task A_past_timestamp_lands_on_its_own_day()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10) - (3 * 86_400_000L);

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(Sessions.OneNewUser, t));
    }

    [Fact]
    public async Task A_future_timestamp_is_clamped_to_the_server_time()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(before + (2 * 86_400_000L))));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var atBefore = TestTime.Fill(Sessions.OneNewUser, before);
        var atAfter = TestTime.Fill(Sessions.OneNewUser, after);
        string? last = null;
        var ok = await CountlyClient.EventuallyAsync(async () =>
        {
            last = (await api.ReadAsync(appId, "sessions")).Body;
            return Same(last, atBefore) || Same(last, atAfter);
        });
        Assert.True(ok, $"expected {atBefore}\n   actual {last}");
    }

    [Fact]
    public async Task A_timestamp_that_is_neither_seconds_nor_milliseconds_is_the_server_time()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", "12345"));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        string? last = null;
        var ok = await CountlyClient.EventuallyAsync(async () =>
        {
            last = (await api.ReadAsync(appId, "sessions")).Body;
            return Same(last, TestTime.Fill(Sessions.OneNewUser, before)) || Same(last, TestTime.Fill(Sessions.OneNewUser, after));
        });
        Assert.True(ok, last);
    }

    [Theory]
    [InlineData("100000", 86400)]
    [InlineData("86400", 86400)]
    [InlineData("-5", 30)]
    [InlineData("45.9", 45)]
    public async Task Session_duration_is_capped_at_a_day_and_a_negative_one_counts_30(string sent, int counted)
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        var answer = await api.WriteAsync(appKey, "D", ("session_duration", sent), ("timestamp", TestTime.Text(t + 5000)));

        Expect.Answer(answer, HttpStatusCode.OK, """{"result":"Success"}""");
        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(BeginAndDuration.Replace("DUR", counted.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), t));
    }

    [Fact]
    public async Task Begin_session_with_a_session_duration_counts_the_duration_first_and_the_request_twice()
    {
        using var api = fixture.Api();
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("session_duration", "20"), ("timestamp", TestTime.Text(t)));

        await Expect.ReadAsync(api, appId, "sessions", TestTime.Fill(BeginAndDuration.Replace("DUR", "20", StringComparison.Ordinal), t));
    }

    private static bool Same(string actual, string expected)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(actual), System.Text.Json.Nodes.JsonNode.Parse(expected));
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
