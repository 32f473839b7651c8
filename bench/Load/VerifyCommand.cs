using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Analytics.Bench.Load;

/// <summary>
/// <c>verify</c>: reads back through <c>/o</c> what the server counted and compares it with the
/// tallies of every round: per app and day the sessions' <c>t n u e d</c>
/// (<c>method=sessions</c>) and per event key the count and sum (<c>method=events</c>). The
/// numbers are eventually consistent (the aggregator flushes every 250 ms), so it polls until
/// they match or <c>--timeout</c> passes; any difference fails (exit 1).
/// </summary>
public static class VerifyCommand
{
    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CommandLine cl)
    {
        var url = cl.Required("url").TrimEnd('/');
        var apiKey = cl.Required("api-key");
        var apps = AppCatalog.Read(cl.Required("apps"));
        var files = cl.All("expected");
        var timeout = TimeSpan.FromSeconds(cl.Double("timeout", 60));
        var output = cl.Optional("out");
        cl.EnsureAllRead();

        var expected = new Expected();
        foreach (var f in files)
        {
            expected.Add(Expected.Read(f));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var started = DateTime.UtcNow;
        List<string> mismatches;
        string table;
        var attempts = 0;
        while (true)
        {
            attempts++;
            (mismatches, table) = await CompareAsync(http, url, apiKey, apps, expected);
            if (mismatches.Count == 0 || DateTime.UtcNow - started > timeout)
            {
                break;
            }

            await Task.Delay(1000);
        }

        Console.Write(table);
        var exact = mismatches.Count == 0;
        Console.WriteLine(exact
            ? $"EXACT: every number read back through /o equals what the generator sent ({expected.Requests:N0} requests, {expected.Devices:N0} devices; {attempts} read(s), {(DateTime.UtcNow - started).TotalSeconds:F1} s)"
            : $"MISMATCH after {timeout.TotalSeconds:F0} s:\n  " + string.Join("\n  ", mismatches));
        if (output is not null)
        {
            var report = new JsonObject
            {
                ["exact"] = exact,
                ["requests"] = expected.Requests,
                ["devices"] = expected.Devices,
                ["seconds"] = Math.Round((DateTime.UtcNow - started).TotalSeconds, 1),
                ["mismatches"] = new JsonArray([.. mismatches.Select(m => (JsonNode)m)]),
            };
            await File.WriteAllTextAsync(output, report.ToJsonString(Json.Options));
        }

        return exact ? 0 : 1;
    }

    private static async Task<(List<string> Mismatches, string Table)> CompareAsync(HttpClient http, string url, string apiKey, AppCatalog apps, Expected expected)
    {
        var mismatches = new List<string>();
        var table = new StringBuilder();
        table.AppendLine("app         day          t(exp/got)          n                   u                   e                   d");
        foreach (var app in apps.Apps)
        {
            var days = expected.Apps.GetValueOrDefault(app.Id) ?? [];
            var sessions = await GetAsync(http, $"{url}/o?api_key={Uri.EscapeDataString(apiKey)}&app_id={app.Id}&method=sessions");
            foreach (var (day, want) in days.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                var node = DayNode(sessions, day);
                var line = new StringBuilder($"{app.Name,-11} {day,-12}");
                foreach (var (name, value) in new[] { ("t", want.T), ("n", want.N), ("u", want.U), ("e", want.E), ("d", want.D) })
                {
                    var got = Number(node?[name]);
                    line.Append(CultureInfo.InvariantCulture, $" {value + "/" + got,-19}");
                    if (got != value)
                    {
                        mismatches.Add($"{app.Name} {day} sessions.{name}: expected {value}, got {got}");
                    }
                }

                table.AppendLine(line.ToString());
            }

            foreach (var key in SessionWriter.EventKeys)
            {
                var events = await GetAsync(http, $"{url}/o?api_key={Uri.EscapeDataString(apiKey)}&app_id={app.Id}&method=events&event={Uri.EscapeDataString(key)}");
                foreach (var (day, want) in days.OrderBy(d => d.Key, StringComparer.Ordinal))
                {
                    var wantEvent = want.Events.GetValueOrDefault(key) ?? new EventCounts();
                    var node = DayNode(events, day);
                    var c = Number(node?["c"]);
                    var s = Number(node?["s"]);
                    table.AppendLine(CultureInfo.InvariantCulture, $"{"",-11} {day,-12} {key,-12} c {wantEvent.C}/{c}  s {wantEvent.S}/{s}");
                    if (c != wantEvent.C)
                    {
                        mismatches.Add($"{app.Name} {day} {key}.c: expected {wantEvent.C}, got {c}");
                    }

                    if (s != wantEvent.S)
                    {
                        mismatches.Add($"{app.Name} {day} {key}.s: expected {wantEvent.S}, got {s}");
                    }
                }
            }
        }

        return (mismatches, table.ToString());
    }

    private static async Task<JsonNode?> GetAsync(HttpClient http, string requestUrl)
    {
        using var response = await http.GetAsync(requestUrl);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {requestUrl} -> {(int)response.StatusCode} {body}");
        }

        return JsonNode.Parse(body);
    }

    private static JsonNode? DayNode(JsonNode? timeObject, string day)
    {
        var parts = day.Split('-');
        return timeObject?[parts[0]]?[parts[1]]?[parts[2]];
    }

    private static decimal Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<decimal>(out var d) ? d : 0;
}
