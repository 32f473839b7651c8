using System.Text.Json.Nodes;
using Analytics.Frontend.Output;

namespace Analytics.Tests.Output;

/// <summary>Test shorthands for JSON text.</summary>
internal static class Json
{
    /// <summary>Compact text of <paramref name="node"/> without Countly escaping.</summary>
    public static string Text(JsonNode? node) => OutputJson.Serialize(node, escape: false);

    /// <summary>Parses <paramref name="text"/> as an object.</summary>
    public static JsonObject Object(string text) => JsonNode.Parse(text)!.AsObject();

    /// <summary>A copy of <paramref name="obj"/> with only <paramref name="keys"/>, in that order.</summary>
    public static JsonObject Pick(JsonObject obj, params string[] keys)
    {
        var picked = new JsonObject();
        foreach (var key in keys)
        {
            if (obj[key] is { } node)
            {
                picked[key] = node.DeepClone();
            }
        }

        return picked;
    }
}
