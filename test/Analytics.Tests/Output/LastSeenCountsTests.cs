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
}
