using System.Text.Json.Nodes;
using Analytics.Grains;
using Analytics.Grains.Domain;
using static Analytics.Frontend.Output.RetentionOutput;

namespace Analytics.Tests.Output;

/// <summary>Retention rows built from what <see cref="SessionRules"/> writes (docs/api.md, "retention").</summary>
public sealed class RetentionCountsTests
{
    private readonly Traffic _traffic = new("UTC");

    [Fact]
    public void A_return_after_the_last_tracked_day_counts_as_unbounded_for_every_tracked_day()
    {
        // First session on 1 January, the only return 73 days later.
        Session("a", 2026, 1, 1);
        Session("a", 2026, 3, 15);

        var unbounded = Row(Granularity.Day, "unbounded");
        var classic = Row(Granularity.Day, "classic");

        Assert.Equal(1, unbounded["tu"]!.GetValue<long>());
        Assert.All(Enumerable.Range(1, RetentionRules.MaxOffset), k => Assert.Equal(1, unbounded[Num.S(k)]!.GetValue<long>()));
        Assert.All(Enumerable.Range(1, RetentionRules.MaxOffset), k => Assert.Equal(0, classic[Num.S(k)]!.GetValue<long>()));
    }

    [Fact]
    public void Several_returns_after_the_last_tracked_day_count_once_as_unbounded()
    {
        Session("a", 2026, 1, 1);
        Session("a", 2026, 3, 15);
        Session("a", 2026, 3, 20);

        var unbounded = Row(Granularity.Day, "unbounded");

        Assert.All(Enumerable.Range(1, RetentionRules.MaxOffset), k => Assert.Equal(1, unbounded[Num.S(k)]!.GetValue<long>()));
    }

    [Fact]
    public void A_return_after_the_last_tracked_week_counts_as_unbounded_for_every_tracked_week_and_leaves_full_alone()
    {
        // Weeks 1, 2 and 3 of 2026, then week 70 (2027): unbounded 1..63 once each, full only 1 and 2.
        Session("a", 2026, 1, 1);
        Session("a", 2026, 1, 8);
        Session("a", 2026, 1, 15);
        Session("a", 2027, 5, 1);

        var from = _traffic.At(2026, 1, 1, 0, 0);
        var to = _traffic.At(2027, 6, 1, 0, 0);
        var buckets = Buckets(Granularity.Week, DefaultSpan, (from, to), _traffic.Zone, to)!;
        var unbounded = Build(buckets, _traffic.Snapshots(Collections.Retention), "unbounded")[0]!.AsObject();
        var full = Build(buckets, _traffic.Snapshots(Collections.Retention), "full")[0]!.AsObject();

        Assert.All(Enumerable.Range(1, RetentionRules.MaxOffset), k => Assert.Equal(1, unbounded[Num.S(k)]!.GetValue<long>()));
        Assert.Equal([1, 1, 0], new[] { 1, 2, 3 }.Select(k => full[Num.S(k)]!.GetValue<long>()));
    }

    private void Session(string device, int year, int month, int day)
    {
        var at = _traffic.At(year, month, day, 12, 0);
        _traffic.Send(device, at, begin: true);
        _traffic.Send(device, at + 60_000, end: true, duration: 60);
    }

    /// <summary>The 1 January 2026 row of a range running to the end of March.</summary>
    private JsonObject Row(Granularity g, string type)
    {
        var from = _traffic.At(2026, 1, 1, 0, 0);
        var to = _traffic.At(2026, 3, 31, 23, 0);
        var buckets = Buckets(g, DefaultSpan, (from, to), _traffic.Zone, to)!;
        return Build(buckets, _traffic.Snapshots(Collections.Retention), type)[0]!.AsObject();
    }
}
