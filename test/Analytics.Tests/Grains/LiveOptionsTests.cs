using Analytics.Grains.Live;

namespace Analytics.Tests.Grains;

/// <summary>
/// <c>Analytics:Live:ReportMs</c> below 200 ms is taken as 200 ms, by the silos' reports and by the
/// live grain's window for a silo's last report alike (the window used the raw value; found in
/// an operations audit); <c>OnlineSeconds</c> below 1 as 1 (0 put nobody online; found in review).
/// </summary>
public sealed class LiveOptionsTests
{
    [Theory]
    [InlineData(50, 200)]
    [InlineData(200, 200)]
    [InlineData(1000, 1000)]
    public void The_report_period_is_the_setting_but_not_below_200_ms(int setting, int used) =>
        Assert.Equal(TimeSpan.FromMilliseconds(used), new LiveOptions { ReportMs = setting }.ReportPeriod);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(120, 120)]
    public void The_online_window_is_the_setting_but_at_least_one_second(int setting, int used) =>
        Assert.Equal(TimeSpan.FromSeconds(used), new LiveOptions { OnlineSeconds = setting }.OnlinePeriod);
}
