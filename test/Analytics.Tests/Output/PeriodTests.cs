using Xunit;
using Analytics.Frontend.Output;
using Analytics.Grains.Domain;

namespace Analytics.Tests.Output;

public sealed class PeriodTests
{
    private static readonly TimeZoneInfo Istanbul = TimeZones.Get("Europe/Istanbul");
    private static readonly TimeZoneInfo Berlin = TimeZones.Get("Europe/Berlin");

    // Tuesday 15 Oct 2024, 13:42 in Istanbul.
    private static readonly long Now = Ms(Istanbul, 2024, 10, 15, 13, 42);

    [Fact]
    public void Missing_period_means_30_days_ending_today()
    {
        var period = Period.Parse(null, Istanbul, Now);

        Assert.Equal("30days", period.Name);
        Assert.Equal(PeriodKind.Special, period.Kind);
        Assert.Equal(30, period.CurrentDays.Count);
        Assert.Equal((new DateOnly(2024, 9, 16), new DateOnly(2024, 10, 15)), (period.CurrentDays[0], period.CurrentDays[^1]));
        Assert.Equal((new DateOnly(2024, 8, 17), new DateOnly(2024, 9, 15)), (period.PreviousDays[0], period.PreviousDays[^1]));
        Assert.Equal("16 Sep - 15 Oct", period.DateRange);
    }

    [Fact]
    public void Read_buckets_cover_current_and_previous_period()
    {
        var period = Period.Parse("30days", Istanbul, Now);

        Assert.Equal([(2024, 8), (2024, 9), (2024, 10)], period.Months);
        Assert.Equal([2024], period.Years);
        Assert.Equal([9, 10], period.MonthsOf(2024).Where(m => m > 8));
    }

    [Fact]
    public void Seven_days_across_new_year_reads_both_years()
    {
        var period = Period.Parse("7days", Istanbul, Ms(Istanbul, 2025, 1, 3, 12, 0));

        Assert.Equal((new DateOnly(2024, 12, 28), new DateOnly(2025, 1, 3)), (period.CurrentDays[0], period.CurrentDays[^1]));
        Assert.Equal((new DateOnly(2024, 12, 21), new DateOnly(2024, 12, 27)), (period.PreviousDays[0], period.PreviousDays[^1]));
        Assert.Equal([(2024, 12), (2025, 1)], period.Months);
        Assert.Equal([2024, 2025], period.Years);
        Assert.Equal("28 Dec - 3 Jan", period.DateRange);
    }

    [Fact]
    public void Instant_range_is_local_midnight_to_midnight()
    {
        var period = Period.Parse("30days", Istanbul, Now);

        Assert.Equal(DateTimeOffset.Parse("2024-09-15T21:00:00Z").ToUnixTimeMilliseconds(), period.StartMs);
        Assert.Equal(DateTimeOffset.Parse("2024-10-15T21:00:00Z").ToUnixTimeMilliseconds(), period.EndMs);
        Assert.True(period.ContainsToday);
    }

    [Theory]
    [InlineData("hour", PeriodKind.Day, "2024.10.15", "2024.10.14", "00:00 - 23:42", true)]
    [InlineData("yesterday", PeriodKind.Day, "2024.10.14", "2024.10.13", "14 Oct, 00:00 - 14 Oct, 23:59", false)]
    [InlineData("day", PeriodKind.Month, "2024.10", "2024.9", "1 Oct - 31 Oct", true)]
    [InlineData("month", PeriodKind.Year, "2024", "2023", "Jan - Dec", true)]
    public void Calendar_periods_compare_one_object_with_the_one_before(string text, PeriodKind kind, string active, string previous, string range, bool containsToday)
    {
        var period = Period.Parse(text, Istanbul, Now);

        Assert.Equal((kind, active, previous, range, containsToday), (period.Kind, period.ActiveKey, period.PreviousKey, period.DateRange, period.ContainsToday));
        Assert.Empty(period.UniqueTicks);
    }

    [Fact]
    public void This_year_reads_months_up_to_now_of_this_and_last_year()
    {
        var period = Period.Parse("month", Istanbul, Now);

        Assert.Equal(Enumerable.Range(1, 10).Select(m => (2023, m)).Concat(Enumerable.Range(1, 10).Select(m => (2024, m))), period.Months);
        Assert.Equal(new DateOnly(2024, 1, 1), period.CurrentDays[0]);
        Assert.Equal(new DateOnly(2024, 10, 15), period.CurrentDays[^1]);
    }

    [Theory]
    [InlineData("10days", 2024, 10, 6)]
    [InlineData("2weeks", 2024, 10, 6)]
    [InlineData("1weeks", 2024, 10, 13)]
    [InlineData("3months", 2024, 8, 1)]
    [InlineData("2years", 2023, 1, 1)]
    public void Unit_periods_run_from_the_start_of_their_unit_to_today(string text, int year, int month, int day)
    {
        var period = Period.Parse(text, Istanbul, Now);

        Assert.Equal(PeriodKind.Special, period.Kind);
        Assert.Equal(new DateOnly(year, month, day), period.CurrentDays[0]);
        Assert.Equal(new DateOnly(2024, 10, 15), period.CurrentDays[^1]);
        Assert.Equal(period.CurrentDays.Count, period.PreviousDays.Count);
        Assert.Equal(period.CurrentDays[0].AddDays(-1), period.PreviousDays[^1]);
    }

    [Fact]
    public void Hours_count_back_in_elapsed_time_across_a_dst_change()
    {
        // 31 Mar 2024 04:30 CEST: clocks jumped from 02:00 CET to 03:00 CEST.
        var now = DateTimeOffset.Parse("2024-03-31T02:30:00Z").ToUnixTimeMilliseconds();

        var period = Period.Parse("3hours", Berlin, now);

        Assert.Equal(DateTimeOffset.Parse("2024-03-31T00:00:00Z").ToUnixTimeMilliseconds(), period.StartMs);
        Assert.Equal([new DateOnly(2024, 3, 31)], period.CurrentDays);
    }

    [Theory]
    [InlineData("2024-03-31T10:00:00Z", 23)]
    [InlineData("2024-10-27T10:00:00Z", 25)]
    [InlineData("2024-10-15T10:00:00Z", 24)]
    public void Today_spans_the_local_day_whatever_its_length(string now, int hours)
    {
        var period = Period.Parse("hour", Berlin, DateTimeOffset.Parse(now).ToUnixTimeMilliseconds());

        Assert.Equal(hours * 3_600_000L, period.EndMs - period.StartMs);
    }

    [Fact]
    public void Ms_range_covers_the_local_days_of_both_ends()
    {
        var from = Ms(Istanbul, 2024, 10, 1, 0, 0);
        var to = Ms(Istanbul, 2024, 10, 10, 12, 0);

        var period = Period.Parse($"[{from},{to}]", Istanbul, Now);

        Assert.Equal($"{from},{to}", period.Name);
        Assert.Equal(PeriodKind.Special, period.Kind);
        Assert.Equal((new DateOnly(2024, 10, 1), new DateOnly(2024, 10, 10)), (period.CurrentDays[0], period.CurrentDays[^1]));
        Assert.Equal((new DateOnly(2024, 9, 21), new DateOnly(2024, 9, 30)), (period.PreviousDays[0], period.PreviousDays[^1]));
        Assert.False(period.ContainsToday);
    }

    [Fact]
    public void Ms_range_with_equal_ends_is_that_single_day()
    {
        var at = Ms(Istanbul, 2024, 10, 1, 8, 0);

        var period = Period.Parse($"[{at},{at}]", Istanbul, Now);

        Assert.Equal((PeriodKind.Day, "2024.10.1", "2024.9.30"), (period.Kind, period.ActiveKey, period.PreviousKey));
    }

    [Fact]
    public void Reversed_ms_range_falls_back_to_30_days_as_countly_does()
    {
        var period = Period.Parse($"[{Now},{Now - 86_400_000}]", Istanbul, Now);

        Assert.Equal(30, period.CurrentDays.Count);
        Assert.Equal(new DateOnly(2024, 10, 15), period.CurrentDays[^1]);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0days")]
    [InlineData("30day")]
    [InlineData("-5days")]
    [InlineData("30days ")]
    [InlineData("99999999days")]
    [InlineData("[1,2,3]")]
    [InlineData("[1.5,2]")]
    [InlineData("[\"a\",\"b\"]")]
    [InlineData("{\"since\":1}")]
    [InlineData("[1,")]
    public void Unusable_values_are_rejected(string text)
    {
        Assert.False(Period.TryParse(text, Istanbul, Now, out _));
        Assert.Equal("Bad request parameter: period", Assert.Throws<FormatException>(() => Period.Parse(text, Istanbul, Now)).Message);
    }

    [Fact]
    public void Unique_ticks_use_whole_weeks_then_days_capped_by_months()
    {
        var period = Period.Parse("30days", Istanbul, Now);

        Assert.Equal(["2024.w38", "2024.w39", "2024.w40", "2024.w41", "2024.10.14", "2024.10.15"], period.UniqueTicks);
        Assert.Equal(["2024.9", "2024.10"], period.UniqueCheckTicks);
    }

    [Fact]
    public void Unique_ticks_use_a_whole_month_when_the_period_covers_it()
    {
        var period = Period.Parse("3months", Istanbul, Now);

        Assert.Equal(["2024.8", "2024.9"], period.UniqueTicks.Take(2));
        Assert.DoesNotContain(period.UniqueTicks, t => t.StartsWith("2024.9.", StringComparison.Ordinal));
    }

    private static long Ms(TimeZoneInfo zone, int year, int month, int day, int hour, int minute) =>
        LocalTime.ToUnixMs(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified), zone);
}
