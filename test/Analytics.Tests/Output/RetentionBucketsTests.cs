using Analytics.Frontend.Output;
using static Analytics.Frontend.Output.RetentionOutput;

namespace Analytics.Tests.Output;

public sealed class RetentionBucketsTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly long Now = Ms(2026, 11, 28, 10);

    [Fact]
    public void A_range_shows_every_bucket_it_touches_those_after_today_too()
    {
        var buckets = Buckets(Granularity.Day, DefaultSpan, (Ms(2026, 11, 25, 23), Ms(2026, 11, 30, 1)), Utc, Now)!;
        Assert.Equal(["20261125", "20261126", "20261127", "20261128", "20261129", "20261130"], buckets.Select(Id));

        var future = Buckets(Granularity.Day, DefaultSpan, (Ms(2026, 12, 4, 0), Ms(2026, 12, 7, 0)), Utc, Now)!;
        Assert.Equal(["20261204", "20261205", "20261206", "20261207"], future.Select(Id));
    }

    [Theory]
    [InlineData(Granularity.Day, 400, true)]
    [InlineData(Granularity.Day, 401, false)]
    [InlineData(Granularity.Month, 400, true)]
    [InlineData(Granularity.Month, 401, false)]
    public void A_range_of_more_buckets_than_a_span_may_show_is_refused_not_cut(Granularity g, int count, bool shown)
    {
        var from = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var to = g == Granularity.Day ? from.AddDays(count - 1) : from.AddMonths(count - 1);
        var buckets = Buckets(g, DefaultSpan, (Ms(from), Ms(to)), Utc, Now);
        Assert.Equal(shown, buckets is not null);
        if (buckets is not null)
        {
            Assert.Equal(count, buckets.Count);
            Assert.Equal(to.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), Id(buckets[^1]));
        }
    }

    [Fact]
    public void A_span_ends_with_the_current_bucket()
    {
        var buckets = Buckets(Granularity.Day, 3, null, Utc, Now)!;
        Assert.Equal(["20261126", "20261127", "20261128"], buckets.Select(Id));
    }

    private static string Id(Bucket b) => b.First.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    private static long Ms(int y, int m, int d, int h) => Ms(new DateTime(y, m, d, h, 0, 0, DateTimeKind.Utc));

    private static long Ms(DateTime t) => new DateTimeOffset(t).ToUnixTimeMilliseconds();
}
