using System.Text.Json.Nodes;

namespace Analytics.Tests.Sdk;

/// <summary>One HTTP request an SDK made and the answer it got, as printed by the driver scripts.</summary>
public sealed record SdkExchange(
    string Method,
    string Path,
    string? Body,
    int Status,
    string? Response,
    bool Ok,
    IReadOnlyDictionary<string, string> Params,
    string? AllowOrigin)
{
    /// <summary>Reads an <c>exchange</c> line.</summary>
    public static SdkExchange From(JsonObject line)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in line["params"]?.AsObject() ?? [])
        {
            parameters[name] = value?.GetValue<string>() ?? "";
        }

        return new SdkExchange(
            line["method"]?.GetValue<string>() ?? "",
            line["path"]?.GetValue<string>() ?? "",
            line["body"]?.GetValue<string>(),
            line["status"]?.GetValue<int>() ?? 0,
            line["response"]?.GetValue<string>(),
            line["ok"]?.GetValue<bool>() ?? false,
            parameters,
            line["allowOrigin"]?.GetValue<string>());
    }

    /// <summary>The path without its query string.</summary>
    public string Endpoint => Path.Split('?')[0];

    /// <summary>The parameters as JSON strings (what the server received), for <see cref="CountlyModel"/>.</summary>
    public IReadOnlyDictionary<string, JsonNode?> JsonParams => Params.ToDictionary(p => p.Key, p => (JsonNode?)JsonValue.Create(p.Value), StringComparer.Ordinal);

    /// <summary>The request's identity on the wire: method, path and body (a re-send is identical).</summary>
    public string WireKey => $"{Method} {Path}\n{Body}";
}
