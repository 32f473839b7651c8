using Xunit;
using Analytics.Frontend.Output;
using Analytics.Grains;

namespace Analytics.Tests.Output;

public sealed class LastSeenCountsTests
{
    [Theory]
    [InlineData("30days", 2L)]
    [InlineData("7days", 1L)]
    [InlineData("hour", 1L)]
    [InlineData("yesterday", null)]
    public void Users_are_counted_by_the_day_of_their_last_session(string period, long? expected)
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 1, 9, 0), begin: true);
        traffic.Send("E", traffic.At(2024, 10, 2, 9, 0), begin: true);
        traffic.Send("E", traffic.At(2024, 10, 15, 9, 0), begin: true);

        var count = LastSeenCounts.Users(traffic.Snapshots(Collections.LastSeen), Period.Parse(period, traffic.Zone, traffic.At(2024, 10, 15, 13, 42)));

        Assert.Equal(expected, count);
    }

    [Fact]
    public void Users_by_country_follow_the_stored_country()
    {
        var traffic = new Traffic();
        traffic.Send("D", traffic.At(2024, 10, 15, 9, 0), begin: true);
        traffic.Send("E", traffic.At(2024, 10, 15, 10, 0), begin: true);

        var counts = LastSeenCounts.ByCountry(traffic.Snapshots(Collections.LastSeen), Period.Parse("7days", traffic.Zone, traffic.At(2024, 10, 15, 13, 42)));

        Assert.Equal(new Dictionary<string, long> { ["Unknown"] = 2 }, counts);
    }

    [Theory]
    [InlineData(3L, """[{"_id":"users","u":3}]""")]
    [InlineData(0L, "[]")]
    [InlineData(null, "[]")]
    public void Total_users_is_one_row_or_an_empty_array(long? count, string expected) =>
        Assert.Equal(expected, OutputJson.Serialize(TotalUsersOutput.Users(count), escape: true));

    [Fact]
    public void Users_by_metric_value_follow_each_devices_current_value()
    {
        var traffic = new Traffic();
        traffic.Send("D1", traffic.At(2024, 10, 14, 9, 0), begin: true, metrics: new Metrics { Os = "Android", AppVersion = "1:0" }, city: "Ankara");
        traffic.Send("D2", traffic.At(2024, 10, 14, 10, 0), begin: true, metrics: new Metrics { Os = "iOS", AppVersion = "1:0" });
        traffic.Send("D3", traffic.At(2024, 10, 15, 8, 0), begin: true, metrics: new Metrics { Os = "Android" });

        // D1 comes back the next day, upgraded; D2's metrics change on a request without a session.
        traffic.Send("D1", traffic.At(2024, 10, 15, 9, 0), begin: true, metrics: new Metrics { Os = "Android", AppVersion = "1:1" }, city: "Ankara");
        traffic.Send("D2", traffic.At(2024, 10, 15, 9, 30), metrics: new Metrics { AppVersion = "1:1" });

        var now = traffic.At(2024, 10, 15, 13, 42);
        IReadOnlyDictionary<string, long>? By(string code, string period) => LastSeenCounts.ByMetric(traffic.Snapshots(Collections.LastSeen), Period.Parse(period, traffic.Zone, now), code);

        Assert.Equal(new Dictionary<string, long> { ["Android"] = 2, ["iOS"] = 1 }, By("p", "30days"));
        Assert.Equal(new Dictionary<string, long> { ["1:1"] = 2 }, By("av", "30days"));
        Assert.Equal(new Dictionary<string, long> { ["Android"] = 2 }, By("p", "hour"));
        Assert.Equal(new Dictionary<string, long> { ["Ankara"] = 1 }, By("cty", "30days"));
        Assert.Equal(new Dictionary<string, long> { ["Unknown"] = 3 }, LastSeenCounts.ByCountry(traffic.Snapshots(Collections.LastSeen), Period.Parse("30days", traffic.Zone, now)));
        Assert.Equal(3, LastSeenCounts.Users(traffic.Snapshots(Collections.LastSeen), Period.Parse("30days", traffic.Zone, now)));
    }

    [Fact]
    public void A_merged_pair_counts_once_under_the_merged_values()
    {
        var traffic = new Traffic();
        traffic.Send("old", traffic.At(2024, 10, 14, 9, 0), begin: true, metrics: new Metrics { Os = "Android", Device = "Pixel 7" });
        traffic.Send("new", traffic.At(2024, 10, 15, 8, 0), begin: true, metrics: new Metrics { Os = "Android" });

        traffic.Merge("new", "old", traffic.At(2024, 10, 15, 9, 0));

        var period = Period.Parse("30days", traffic.Zone, traffic.At(2024, 10, 15, 13, 42));
        Assert.Equal(new Dictionary<string, long> { ["Android"] = 1 }, LastSeenCounts.ByMetric(traffic.Snapshots(Collections.LastSeen), period, "p"));
        Assert.Equal(new Dictionary<string, long> { ["Pixel 7"] = 1 }, LastSeenCounts.ByMetric(traffic.Snapshots(Collections.LastSeen), period, "d"));
    }
}
