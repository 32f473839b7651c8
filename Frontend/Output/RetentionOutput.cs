using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Output;

/// <summary>
/// <c>/o?method=retention</c> (docs/api.md; Countly Enterprise's retention_segments shape):
/// one row per cohort bucket, oldest first, <c>{"_id":"yyyymmdd","tu":N,"1":…,"K":…}</c> where K is
/// the number of buckets between the cohort and the last bucket shown, from the cohort counters
/// that <see cref="RetentionRules"/> maintains on the write path.
/// </summary>
public static class RetentionOutput
{
    /// <summary>Most buckets one request may show.</summary>
    public const int MaxSpan = 400;

    /// <summary>Default number of buckets (Countly's <c>retention_segments.span</c>).</summary>
    public const int DefaultSpan = 10;

    /// <summary>Bucket size.</summary>
    public enum Granularity
    {
        /// <summary><c>adaily</c>.</summary>
        Day,
        /// <summary><c>aweekly</c> (Countly weeks: ceil(dayOfYear / 7)).</summary>
        Week,
        /// <summary><c>amonthly</c>.</summary>
        Month,
    }

    /// <summary>One cohort bucket: its first day and where its counters live.</summary>
    public readonly record struct Bucket(DateOnly First, int Year, string Doc, string Prefix);

    /// <summary>Parses <c>period</c>; false for anything but adaily/aweekly/amonthly.</summary>
    public static bool TryParseGranularity(string? period, out Granularity granularity)
    {
        granularity = period switch
        {
            "adaily" => Granularity.Day,
            "aweekly" => Granularity.Week,
            "amonthly" => Granularity.Month,
            _ => (Granularity)(-1),
        };
        return (int)granularity >= 0;
    }

    /// <summary>
    /// The buckets to show: the last <paramref name="span"/> ending with the current one, or those
    /// intersecting <paramref name="range"/>; null when those are more than <see cref="MaxSpan"/>.
    /// </summary>
    public static List<Bucket>? Buckets(Granularity g, int span, (long From, long To)? range, TimeZoneInfo zone, long nowMs)
    {
        var today = LocalTime.Of(nowMs, zone).Date;
        if (range is { } r)
        {
            // Every bucket the range touches, those after today too (they have no activity yet),
            // as the spec's "one row per bucket of range" says; more than a span may show is
            // refused rather than cut short.
            var first = LocalTime.Of(r.From, zone).Date;
            var last = LocalTime.Of(r.To, zone).Date;
            var result = new List<Bucket>();
            for (var b = Of(g, first); b.First <= last; b = Next(g, b))
            {
                if (result.Count == MaxSpan)
                {
                    return null;
                }

                result.Add(b);
            }

            return result;
        }

        var buckets = new List<Bucket> { Of(g, today) };
        while (buckets.Count < span)
        {
            buckets.Insert(0, Previous(g, buckets[0]));
        }

        return buckets;
    }

    /// <summary>The (year, document) pairs the buckets' counters live in.</summary>
    public static IEnumerable<(int Year, string Doc)> Docs(IEnumerable<Bucket> buckets) => buckets.Select(b => (b.Year, b.Doc)).Distinct();

    /// <summary>Builds the rows; <paramref name="type"/> is <c>classic</c>, <c>full</c> or <c>unbounded</c>.</summary>
    public static JsonArray Build(IReadOnlyList<Bucket> buckets, IReadOnlyList<(int Year, CounterSnapshot Snapshot)> years, string type)
    {
        var prop = type switch
        {
            "classic" => "c",
            "unbounded" => "u",
            _ => "f",
        };
        var rows = new JsonArray();
        for (var i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            var doc = years.FirstOrDefault(y => y.Year == b.Year).Snapshot?.Docs.GetValueOrDefault(b.Doc);
            var row = new JsonObject
            {
                ["_id"] = b.First.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                ["tu"] = Value(doc, b.Prefix + "tu"),
            };
            var offsets = buckets.Count - 1 - i;
            for (var k = 1; k <= offsets; k++)
            {
                row[Num.S(k)] = k <= RetentionRules.MaxOffset ? Value(doc, string.Concat(b.Prefix, prop, ".", Num.S(k))) : 0;
            }

            rows.Add(row);
        }

        return rows;
    }

    // Year 9900: later times have no calendar day in every time zone.
    private const long MaxRangeMs = 250_000_000_000_000;

    /// <summary>Parses <c>range</c> (<c>[fromMs,toMs]</c>); false when malformed.</summary>
    public static bool TryParseRange(JsonElement json, out (long From, long To) range)
    {
        range = default;
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() != 2)
        {
            return false;
        }

        var a = json[0];
        var b = json[1];
        if (a.ValueKind != JsonValueKind.Number || b.ValueKind != JsonValueKind.Number || !a.TryGetInt64(out var from) || !b.TryGetInt64(out var to) || from < 0 || to < from || to > MaxRangeMs)
        {
            return false;
        }

        range = (from, to);
        return true;
    }

    private static long Value(IReadOnlyDictionary<string, decimal>? doc, string path) => doc is not null && doc.TryGetValue(path, out var v) ? (long)v : 0;

    private static Bucket Of(Granularity g, DateOnly day) => g switch
    {
        Granularity.Day => new Bucket(day, day.Year, "d" + Num.S(day.Month), Num.S(day.Day) + "."),
        Granularity.Week => WeekBucket(day.Year, (day.DayOfYear + 6) / 7),
        _ => new Bucket(new DateOnly(day.Year, day.Month, 1), day.Year, "m", Num.S(day.Month) + "."),
    };

    private static Bucket WeekBucket(int year, int week) =>
        new(new DateOnly(year, 1, 1).AddDays((week - 1) * 7), year, "w", Num.S(week) + ".");

    private static Bucket Next(Granularity g, Bucket b) => g switch
    {
        Granularity.Day => Of(g, b.First.AddDays(1)),
        Granularity.Week => Of(g, b.First.AddDays(7).Year != b.First.Year ? new DateOnly(b.First.Year + 1, 1, 1) : b.First.AddDays(7)),
        _ => Of(g, b.First.AddMonths(1)),
    };

    private static Bucket Previous(Granularity g, Bucket b) => g switch
    {
        Granularity.Day => Of(g, b.First.AddDays(-1)),
        Granularity.Week => Of(g, b.First.AddDays(-1)),
        _ => Of(g, b.First.AddMonths(-1)),
    };
}
