using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Analytics.Bench.Baseline;

/// <summary>
/// Serves <c>/i</c> with the work every real handler must do at least (read the query, parse
/// <c>metrics</c> and <c>events</c>, check the app key) and Countly's answers, so the load
/// generator sees the same status mix as from the server; <c>/o/ping</c> for readiness.
/// </summary>
public sealed class IngestHandler(string? appKeys)
{
    private static readonly byte[] Success = """{"result":"Success"}"""u8.ToArray();
    private static readonly byte[] Missing = """{"result":"Missing parameter \"app_key\" or \"device_id\""}"""u8.ToArray();
    private static readonly byte[] UnknownApp = """{"result":"App does not exist"}"""u8.ToArray();
    private static readonly byte[] NotFound = """{"result":"Invalid path"}"""u8.ToArray();

    // No keys configured: every app key is accepted.
    private readonly HashSet<string>? _appKeys = string.IsNullOrWhiteSpace(appKeys)
        ? null
        : [.. appKeys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>Serves one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path == "/o/ping")
        {
            return WriteAsync(context, 200, Success);
        }

        if (path != "/i")
        {
            return WriteAsync(context, 404, NotFound);
        }

        var query = context.Request.Query;
        var appKey = query["app_key"];
        var deviceId = query["device_id"];
        if (StringValues.IsNullOrEmpty(appKey) || StringValues.IsNullOrEmpty(deviceId))
        {
            return WriteAsync(context, 400, Missing);
        }

        if (_appKeys is not null && !_appKeys.Contains(appKey.ToString()))
        {
            return WriteAsync(context, 400, UnknownApp);
        }

        _ = long.TryParse(query["timestamp"], out _);
        Walk(query["metrics"]);
        Walk(query["events"]);
        return WriteAsync(context, 200, Success);
    }

    // Parses a JSON parameter and touches every value, as normalisation would; malformed JSON
    // is ignored, as Countly does.
    private static void Walk(StringValues value)
    {
        if (StringValues.IsNullOrEmpty(value))
        {
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(value.ToString());
            Touch(doc.RootElement);
        }
        catch (JsonException)
        {
        }
    }

    private static void Touch(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Touch(p.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Touch(item);
                }

                break;
            case JsonValueKind.String:
                _ = e.GetString();
                break;
            case JsonValueKind.Number:
                _ = e.TryGetDecimal(out _);
                break;
            default:
                break;
        }
    }

    private static Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, 0, body.Length);
    }
}
