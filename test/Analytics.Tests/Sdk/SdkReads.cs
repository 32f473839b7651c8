using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Sdk;

/// <summary>Polls <c>/o</c> until a projection of the answer equals the expected JSON (counters reach reads within about a second).</summary>
public static class SdkReads
{
    /// <summary>Reads <c>/o?method=<paramref name="method"/><paramref name="extra"/></c> until <paramref name="project"/> of it equals <paramref name="expected"/>; fails with both otherwise.</summary>
    public static async Task<JsonNode?> ExpectAsync(CountlyClient api, string appId, string method, string extra, Func<JsonNode?, JsonNode?> project, JsonNode expected, object? context = null)
    {
        JsonNode? last = null;
        var ok = await CountlyClient.EventuallyAsync(async () =>
        {
            var answer = await api.ReadAsync(appId, method, extra);
            last = answer.Status == System.Net.HttpStatusCode.OK ? answer.Json : null;
            return TimeObjects.Same(project(last), expected);
        });
        Assert.True(ok, $"method={method}{extra}\nexpected: {expected.ToJsonString()}\nactual:   {project(last)?.ToJsonString()}\nfull:     {last?.ToJsonString()}\n{context}");
        return last;
    }

    /// <summary>The values of a metric time object at year level (every key that is neither a month nor a week).</summary>
    public static JsonObject YearValues(JsonNode? timeObject, string year)
    {
        var result = new JsonObject();
        foreach (var (key, node) in timeObject?[year] as JsonObject ?? [])
        {
            if (!key.All(char.IsAsciiDigit) && !(key.Length > 1 && key[0] == 'w' && key[1..].All(char.IsAsciiDigit)))
            {
                result[key] = node?.DeepClone();
            }
        }

        return result;
    }

    /// <summary>The strings of a JSON array, sorted ordinally (for set-like comparisons of <c>meta</c> lists).</summary>
    public static IReadOnlyList<string> Sorted(JsonNode? array) =>
        [.. (array as JsonArray ?? []).Select(n => n?.GetValue<string>() ?? "").Order(StringComparer.Ordinal)];

    /// <summary>The given strings, sorted ordinally.</summary>
    public static IReadOnlyList<string> Sorted(params string[] values) => [.. values.Order(StringComparer.Ordinal)];
}
