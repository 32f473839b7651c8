using Xunit;
using Analytics.Frontend.Output;

namespace Analytics.Tests.Output;

public sealed class CountlyFormatTests
{
    [Theory]
    [InlineData(0, 5, "NA", "u")]
    [InlineData(0, 0, "NA", "u")]
    [InlineData(5, 0, "∞", "d")]
    [InlineData(100, 200, "100%", "u")]
    [InlineData(200, 100, "-50%", "d")]
    [InlineData(3, 2, "-33.3%", "d")]
    [InlineData(3, 4, "33.3%", "u")]
    [InlineData(1, 124.5, "12.3K%", "u")]
    [InlineData(1, 101, "10K%", "u")]
    [InlineData(1, 12346, "1.2M%", "u")]
    [InlineData(1, 10001, "1M%", "u")]
    [InlineData(1000000, 999999, "-0%", "u")]
    public void PercentChange_follows_countly_rules(double previous, double current, string change, string trend) =>
        Assert.Equal((change, trend), CountlyFormat.PercentChange(previous, current));

    [Theory]
    [InlineData(0, "0.0 min")]
    [InlineData(0.5, "0.5 min")]
    [InlineData(59.94, "59.9 min")]
    [InlineData(60, "1.0 hours")]
    [InlineData(1439, "24.0 hours")]
    [InlineData(1440, "1.0 days")]
    [InlineData(142559, "99.0 days")]
    [InlineData(142560, "0.3 years")]
    [InlineData(525600, "1.0 years")]
    public void TimeString_switches_unit_at_countly_thresholds(double minutes, string expected) =>
        Assert.Equal(expected, CountlyFormat.TimeString(minutes));
}
