using System.Text.Json.Nodes;
using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Output;

/// <summary>
/// Merges counter snapshots into Countly's time object (spec §2.2, Countly's
/// <c>fetchTimeObj</c>/<c>getMergedObj</c>):
/// <c>{"2024":{…,"w42":{…},"10":{…,"15":{…,"13":{…}}}},"meta":{…}}</c>. Day and hour objects and
/// the zero document's year/month/week uniques are copied as stored; month and year values of
/// non-unique props are sums of the day values, computed here and never stored.
/// </summary>
public static class TimeObject
{
    // Countly's levels.monthly (top-level props summed into month and year) and levels.daily
    // (props of nested country/metric/segment-value objects summed likewise). Uniques are not here.
    private static readonly HashSet<string> MonthlySums = new(["t", "n", "d", "e", "c", "s", "dur"], StringComparer.Ordinal);
    private static readonly HashSet<string> NestedSums = new(["t", "n", "c", "s", "dur"], StringComparer.Ordinal);

    /// <summary>
    /// Builds the merged object of one collection from the snapshots of several years (zero document
    /// and month documents of each), keeping only the month documents in <paramref name="months"/>
    /// (all of them when null, Countly's <c>fullRange</c>). Exactly <c>{}</c> when nothing exists.
    /// </summary>
    public static JsonObject Build(IReadOnlyList<(int Year, CounterSnapshot Snapshot)> years, TimeObjectShape shape, IReadOnlyCollection<(int Year, int Month)>? months)
    {
        var wanted = months is null ? null : months as IReadOnlySet<(int Year, int Month)> ?? new HashSet<(int Year, int Month)>(months);
        var root = new TimeNode(isBucket: true);
        var ordered = years.OrderBy(y => y.Year).ToList();
        foreach (var (year, snapshot) in ordered)
        {
            var yearKey = CountlyDates.Year(year);
            if (shape.ZeroDoc is { } zeroId && snapshot.Docs.TryGetValue(zeroId, out var zero) && zero.Count > 0)
            {
                var yearNode = root.Child(yearKey, bucket: true);
                foreach (var (path, value) in zero)
                {
                    PlaceZero(yearNode, path, value);
                }
            }

            for (var month = 1; month <= 12; month++)
            {
                if (wanted is not null && !wanted.Contains((year, month)))
                {
                    continue;
                }

                if (!snapshot.Docs.TryGetValue(shape.MonthDoc(month), out var doc) || doc.Count == 0)
                {
                    continue;
                }

                var yearNode = root.Child(yearKey, bucket: true);
                var monthNode = yearNode.Child(Num.S(month), bucket: true);
                foreach (var (path, value) in doc)
                {
                    PlaceMonth(yearNode, monthNode, path, value, shape, sum: true);
                }
            }
        }

        return Finish(root, MetaOrder.Merge(ordered.Select(y => y.Snapshot)), refresh: false);
    }

    /// <summary>
    /// Builds the <c>action=refresh</c> object: all meta, today's day object of the current month,
    /// and for users the year and current-month <c>u</c>/<c>f</c>/<c>l</c> of the zero document; no
    /// summed totals and no weeks (spec §2.3). Only the snapshot of <paramref name="now"/>'s year is used.
    /// </summary>
    public static JsonObject BuildRefresh(IReadOnlyList<(int Year, CounterSnapshot Snapshot)> years, TimeObjectShape shape, LocalTime now)
    {
        var root = new TimeNode(isBucket: true);
        var snapshots = years.Where(y => y.Year == now.Year).Select(y => y.Snapshot).ToList();
        var yearKey = CountlyDates.Year(now.Year);
        var monthKey = Num.S(now.Month);
        var dayPrefix = Num.S(now.Day) + ".";
        foreach (var snapshot in snapshots)
        {
            if (shape.ZeroDoc is { } zeroId && snapshot.Docs.TryGetValue(zeroId, out var zero))
            {
                foreach (var (path, value) in zero)
                {
                    if (shape.IsRefreshZeroPath(path, monthKey))
                    {
                        PlaceZero(root.Child(yearKey, bucket: true), path, value);
                    }
                }
            }

            if (snapshot.Docs.TryGetValue(shape.MonthDoc(now.Month), out var doc))
            {
                foreach (var (path, value) in doc)
                {
                    if (path.StartsWith(dayPrefix, StringComparison.Ordinal))
                    {
                        var yearNode = root.Child(yearKey, bucket: true);
                        PlaceMonth(yearNode, yearNode.Child(monthKey, bucket: true), path, value, shape, sum: false);
                    }
                }
            }
        }

        return Finish(root, MetaOrder.Merge(snapshots), refresh: true);
    }

    private static JsonObject Finish(TimeNode root, SortedDictionary<string, List<string>> meta, bool refresh)
    {
        var json = root.ToJson();
        var metaJson = new JsonObject();
        foreach (var (set, values) in meta)
        {
            // Countly drops oversized sets from refresh answers (they only need recent values).
            if (refresh && values.Count > MetaOrder.RefreshLimit)
            {
                continue;
            }

            metaJson[set] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        if (metaJson.Count > 0)
        {
            json["meta"] = metaJson;
        }

        return json;
    }

    private static void PlaceZero(TimeNode yearNode, string path, decimal value)
    {
        var segments = path.Split('.');
        var node = yearNode;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            // Only the first segment can be a time bucket: "10.u" (month) or "w42.u" (week).
            var bucket = i == 0 && (IsNumberKey(segments[0], 1, 12) || TimeNode.IsWeek(segments[0]));
            node = node.Child(segments[i], bucket);
        }

        node.Add(segments[^1], value);
    }

    private static void PlaceMonth(TimeNode yearNode, TimeNode monthNode, string path, decimal value, TimeObjectShape shape, bool sum)
    {
        var segments = path.Split('.');
        if (segments.Length < 2)
        {
            return;
        }

        var dayNode = monthNode.Child(segments[0], bucket: true);
        if (segments.Length == 2)
        {
            var prop = segments[1];
            dayNode.Add(prop, value);
            if (sum && MonthlySums.Contains(prop))
            {
                monthNode.Add(prop, value);
                yearNode.Add(prop, value);
            }

            return;
        }

        // Countly skips day-level keys 0..23 of the users and plain event documents when summing: they are hours.
        var isHour = shape.HasHours && IsNumberKey(segments[1], 0, 23);
        var node = dayNode.Child(segments[1], isHour);
        for (var i = 2; i < segments.Length - 1; i++)
        {
            node = node.Child(segments[i], bucket: false);
        }

        node.Add(segments[^1], value);
        if (sum && !isHour && segments.Length == 3 && NestedSums.Contains(segments[2]))
        {
            monthNode.Child(segments[1], bucket: false).Add(segments[2], value);
            yearNode.Child(segments[1], bucket: false).Add(segments[2], value);
        }
    }

    private static bool IsNumberKey(string key, int min, int max) =>
        TimeNode.IsArrayIndex(key) && key.Length <= 2 && int.Parse(key, System.Globalization.CultureInfo.InvariantCulture) is var n && n >= min && n <= max;
}
