using System.Globalization;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Browser;

/// <summary>
/// countly-sdk-web on the <c>/demo</c> page in headless Chromium, reporting to a new app:
/// <c>demo.mjs</c> enters the app key, waits for the session and page view to be answered,
/// and sends one custom event; then the read API is asked what arrived.
/// </summary>
public sealed class DemoScenario
{
    private DemoScenario(string appId, TimeZoneInfo zone)
    {
        AppId = appId;
        Zone = zone;
    }

    /// <summary>The app the SDK reported to.</summary>
    public string AppId { get; }

    /// <summary>The app's time zone.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>What the script saw (the SDK's requests and their answers).</summary>
    public JsonNode Report { get; private set; } = new JsonObject();

    /// <summary>The script's exit and output.</summary>
    public ScriptResult Script { get; private set; } = new(0, "", "");

    /// <summary>Today's object of a time object, in the app's zone.</summary>
    public JsonNode? Today(JsonNode? timeObject)
    {
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone);
        return timeObject?[Key(today.Year)]?[Key(today.Month)]?[Key(today.Day)];
    }

    /// <summary>Runs the scenario on <paramref name="fixture"/>'s server.</summary>
    public static async Task<DemoScenario> RunAsync(ServerFixture fixture)
    {
        using var api = fixture.Api();
        var (appId, _) = await api.CreateAppAsync("Web SDK demo", "Etc/UTC");
        var scenario = new DemoScenario(appId, TimeZoneInfo.FindSystemTimeZoneById("Etc/UTC"));
        var output = Path.Combine(BrowserScript.ArtifactsDir, "demo.json");
        scenario.Script = await BrowserScript.RunAsync(
            "demo.mjs",
            [fixture.Server.BaseAddress.ToString().TrimEnd('/'), api.AdminKey, appId, output, Path.Combine(BrowserScript.ArtifactsDir, "demo.png")],
            TimeSpan.FromSeconds(120));
        scenario.Report = File.Exists(output) ? JsonNode.Parse(await File.ReadAllTextAsync(output)) ?? new JsonObject() : new JsonObject();
        return scenario;
    }

    private static string Key(int n) => n.ToString(CultureInfo.InvariantCulture);
}
