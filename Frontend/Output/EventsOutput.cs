using System.Text.Json.Nodes;
using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Frontend.Output;

/// <summary>
/// <c>/o?method=events</c> (spec §2.3): one event's time object, plain (<c>c</c>/<c>s</c>/<c>dur</c> at
/// year, month, day and hour) or by one segment's values (year, month and day, no plain totals),
/// several events summed key by key (<c>events=[…]</c>), and the <c>action=refresh</c> form.
/// An event that never had segmentation has no <c>meta</c>.
/// </summary>
public static class EventsOutput
{
    /// <summary>How deep <see cref="Merge"/> sums (year.month.day.hour.prop, Countly's five loops).</summary>
    public const int MergeDepth = 5;

    private const string ReservedPrefix = "[CLY]";

    /// <summary>
    /// The time object of one event from its collection's snapshots (<see cref="Collections.Event"/>),
    /// by segment <paramref name="segmentation"/> when given (null or <c>no-segment</c>: plain counts),
    /// keeping the month documents in <paramref name="months"/> (all when null).
    /// </summary>
    public static JsonObject Build(IReadOnlyList<(int Year, CounterSnapshot Snapshot)> years, string? segmentation, IReadOnlyCollection<(int Year, int Month)>? months) =>
        TimeObject.Build(years, TimeObjectShape.Event(segmentation), months);

    /// <summary>The <c>action=refresh</c> object of one event: meta and today's day object only.</summary>
    public static JsonObject Refresh(IReadOnlyList<(int Year, CounterSnapshot Snapshot)> years, string? segmentation, LocalTime now) =>
        TimeObject.BuildRefresh(years, TimeObjectShape.Event(segmentation), now);

    /// <summary>
    /// Sums several events' objects number by number up to <see cref="MergeDepth"/> levels; their
    /// <c>meta</c> arrays are concatenated per set without duplicates. The <c>meta</c> object is
    /// there, empty or not, whenever the request named any event (<paramref name="named"/>), as
    /// Countly's <c>getMergedEventData</c> answers; an empty list is <c>{}</c>.
    /// </summary>
    public static JsonObject Merge(IEnumerable<JsonObject> events, bool named = true)
    {
        var merged = new JsonObject();
        var meta = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var obj in events)
        {
            foreach (var (key, node) in obj)
            {
                if (key == "meta")
                {
                    if (node is JsonObject sets)
                    {
                        MergeMeta(meta, sets);
                    }

                    continue;
                }

                MergeInto(merged, key, node, 1);
            }
        }

        if (meta.Count > 0 || named)
        {
            var metaJson = new JsonObject();
            foreach (var (set, values) in meta)
            {
                metaJson[set] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            }

            merged["meta"] = metaJson;
        }

        return merged;
    }

    /// <summary>
    /// The event shown when the request names none: the first key of the app's event <c>order</c>
    /// that is not <c>[CLY]_…</c>, else of its alphabetically sorted <c>list</c>; null when there is none.
    /// </summary>
    public static string? DefaultEvent(IReadOnlyList<string>? order, IEnumerable<string> list)
    {
        if (order is { Count: > 0 })
        {
            return order.FirstOrDefault(k => !k.StartsWith(ReservedPrefix, StringComparison.Ordinal));
        }

        // JavaScript's default sort compares UTF-16 code units: ordinal.
        return list.Order(StringComparer.Ordinal).FirstOrDefault(k => !k.StartsWith(ReservedPrefix, StringComparison.Ordinal));
    }

    private static void MergeInto(JsonObject target, string key, JsonNode? node, int depth)
    {
        if (TimeObjectPath.Decimal(node) is { } number)
        {
            var existing = target.TryGetPropertyValue(key, out var current) ? TimeObjectPath.Decimal(current) : null;
            if (current is null || existing is not null)
            {
                target[key] = JsonValue.Create((existing ?? 0) + number);
            }

            return;
        }

        if (node is JsonObject obj && depth < MergeDepth)
        {
            if (!target.TryGetPropertyValue(key, out var current) || current is not JsonObject child)
            {
                if (current is not null)
                {
                    return;
                }

                target[key] = child = new JsonObject();
            }

            foreach (var (childKey, childNode) in obj)
            {
                MergeInto(child, childKey, childNode, depth + 1);
            }
        }
    }

    private static void MergeMeta(Dictionary<string, List<string>> meta, JsonObject sets)
    {
        foreach (var (set, node) in sets)
        {
            if (node is not JsonArray values)
            {
                continue;
            }

            if (!meta.TryGetValue(set, out var list))
            {
                meta[set] = list = [];
            }

            foreach (var value in values)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var s) && !list.Contains(s, StringComparer.Ordinal))
                {
                    list.Add(s);
                }
            }
        }
    }
}
