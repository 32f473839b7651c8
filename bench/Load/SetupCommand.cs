using System.Globalization;
using System.Text.Json.Nodes;

namespace Analytics.Bench.Load;

/// <summary><c>setup</c>: creates the benchmark's apps through <c>/i/apps/create</c> and writes <c>apps.json</c>; one hot app takes <c>--hot-share</c> of the devices.</summary>
public static class SetupCommand
{
    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CommandLine cl)
    {
        var url = cl.Required("url").TrimEnd('/');
        var apiKey = cl.Required("api-key");
        var count = cl.Int("apps", 5);
        var hot = cl.Double("hot-share", 0.5);
        var timezone = cl.Optional("timezone") ?? "Etc/UTC";
        var output = cl.Required("out");
        cl.EnsureAllRead();
        if (count < 1 || hot <= 0 || hot > 1 || (count == 1 && hot < 1))
        {
            throw new ArgumentException("need --apps >= 1 and 0 < --hot-share <= 1");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var apps = new List<AppInfo>();
        for (var i = 0; i < count; i++)
        {
            var name = i == 0 ? "bench-hot" : "bench-" + i.ToString(CultureInfo.InvariantCulture);
            var args = new JsonObject { ["name"] = name, ["timezone"] = timezone }.ToJsonString();
            var response = await http.GetAsync($"{url}/i/apps/create?api_key={Uri.EscapeDataString(apiKey)}&args={Uri.EscapeDataString(args)}");
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || JsonNode.Parse(body) is not JsonObject app)
            {
                Console.Error.WriteLine($"creating app {name} failed: {(int)response.StatusCode} {body}");
                return 1;
            }

            var weight = count == 1 ? 1 : i == 0 ? hot : (1 - hot) / (count - 1);
            apps.Add(new AppInfo(name, (string)app["_id"]!, (string)app["key"]!, (string?)app["timezone"] ?? timezone, weight));
        }

        new AppCatalog(apps).Write(output);
        Console.WriteLine($"created {apps.Count} apps ({hot:P0} of the devices on {apps[0].Name}) -> {output}");
        return 0;
    }
}
