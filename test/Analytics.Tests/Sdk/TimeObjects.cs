using System.Text.Json.Nodes;

namespace Analytics.Tests.Sdk;

/// <summary>Projections of <c>/o</c> time objects and a number-tolerant JSON comparison.</summary>
public static class TimeObjects
{
    /// <summary>The session keys <see cref="CountlyModel"/> predicts.</summary>
    public static readonly IReadOnlySet<string> SessionKeys = new HashSet<string>(StringComparer.Ordinal) { "t", "n", "u", "e", "d", "f", "ds" };

    /// <summary>
    /// <paramref name="timeObject"/> restricted to <paramref name="keys"/> at the year, week, month,
    /// day and hour levels (empty levels dropped; <c>meta</c> and other keys left out).
    /// </summary>
    public static JsonObject Project(JsonNode? timeObject, IReadOnlySet<string> keys)
    {
        var result = new JsonObject();
        foreach (var (year, node) in timeObject as JsonObject ?? [])
        {
            if (year.All(char.IsAsciiDigit) && node is JsonObject y && Level(y, keys, 1) is { Count: > 0 } p)
            {
                result[year] = p;
            }
        }

        return result;
    }

    /// <summary><paramref name="timeObject"/> without its <c>meta</c>.</summary>
    public static JsonObject WithoutMeta(JsonNode? timeObject)
    {
        var copy = timeObject?.DeepClone() as JsonObject ?? [];
        copy.Remove("meta");
        return copy;
    }

    /// <summary>Deep equality where numbers compare by value (within 1e-9: Countly sums are doubles).</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(kv => y.TryGetPropertyValue(kv.Key, out var other) && Same(kv.Value, other)),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)),
        (JsonValue x, JsonValue y) when x.TryGetValue<decimal>(out var m) && y.TryGetValue<decimal>(out var n) => Math.Abs(m - n) < 0.000000001m,
        (JsonValue x, JsonValue y) => JsonNode.DeepEquals(x, y),
        _ => false,
    };

    private static JsonObject Level(JsonObject level, IReadOnlySet<string> keys, int depth)
    {
        var result = new JsonObject();
        foreach (var (key, node) in level)
        {
            var isTime = key.All(char.IsAsciiDigit) && depth < 4;
            var isWeek = depth == 1 && key.Length > 1 && key[0] == 'w' && key[1..].All(char.IsAsciiDigit);
            if ((isTime || isWeek) && node is JsonObject child)
            {
                if (Level(child, keys, isWeek ? 4 : depth + 1) is { Count: > 0 } p)
                {
                    result[key] = p;
                }
            }
            else if (keys.Contains(key))
            {
                result[key] = node?.DeepClone();
            }
        }

        return result;
    }
}
