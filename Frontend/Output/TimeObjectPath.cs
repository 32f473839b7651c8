using System.Text.Json.Nodes;

namespace Analytics.Frontend.Output;

/// <summary>
/// Reads a merged time object the way Countly's <c>getDescendantProp</c> and <c>clearObject</c>
/// do: dotted paths such as <c>2024.10.15</c> or <c>2024.w42</c>, missing numbers read as 0.
/// </summary>
internal static class TimeObjectPath
{
    /// <summary>The object at dotted <paramref name="path"/>, or null when it is missing or not an object.</summary>
    public static JsonObject? Object(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split('.'))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
            {
                return null;
            }
        }

        return node as JsonObject;
    }

    /// <summary>Number <paramref name="prop"/> of <paramref name="obj"/>, 0 when absent or not a number.</summary>
    public static double Number(JsonObject? obj, string prop) =>
        obj is not null && obj.TryGetPropertyValue(prop, out var node) && Decimal(node) is { } value ? (double)value : 0;

    /// <summary>The numeric value of <paramref name="node"/>, or null when it is not a number.</summary>
    public static decimal? Decimal(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != System.Text.Json.JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetValue<decimal>(out var m))
        {
            return m;
        }

        if (value.TryGetValue<double>(out var d) && double.IsFinite(d) && Math.Abs(d) < 7.9e28)
        {
            return (decimal)d;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        return value.TryGetValue<int>(out var i) ? i : null;
    }
}
