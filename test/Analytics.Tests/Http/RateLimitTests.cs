using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>The optional per-app-key limit answers 429 with Retry-After and leaves other apps alone.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Requests_beyond_the_per_app_limit_get_429_with_retry_after()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await LimitedServerAsync(azurite, perSecond: 5);
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        var (_, busyKey) = await api.CreateAppAsync("busy");
        var (_, quietKey) = await api.CreateAppAsync("quiet");

        var answers = new List<CountlyClient.Answer>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await api.WriteAsync(busyKey, "d" + i));
        }

        var limited = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.True(answers.Count(a => a.Status == HttpStatusCode.OK) >= 5);
        Assert.All(limited, a => Assert.NotNull(a.Response.Headers.RetryAfter));
        Assert.Equal("""{"result":"Too many requests for this app, retry later"}""", limited[0].Body);
        Assert.Equal(HttpStatusCode.OK, (await api.WriteAsync(quietKey, "q1")).Status);
    }

    [Fact]
    public async Task A_bulk_is_taken_whole_or_refused_whole_and_its_items_count_once()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await LimitedServerAsync(azurite, perSecond: 5);
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        var (appId, appKey) = await api.CreateAppAsync("bulky", timezone: "UTC");
        var start = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000) - 1) * 3_600_000;
        var items = new JsonArray();
        for (var i = 0; i < 12; i++)
        {
            items.Add(new JsonObject { ["device_id"] = $"dev-b{i}", ["begin_session"] = 1, ["timestamp"] = start + i });
        }

        var body = new JsonObject { ["app_key"] = appKey, ["requests"] = items }.ToJsonString();

        // More items than the per-second budget: accepted whole, the budget goes into debt...
        var first = await api.PostJsonAsync("/i/bulk", body);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        // ...so the next bulk is refused whole (nothing of it applied) and a single request too.
        var second = await api.PostJsonAsync("/i/bulk", body.Replace("dev-b", "dev-c", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
        Assert.NotNull(second.Response.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await api.WriteAsync(appKey, "single")).Status);

        // The debt is repaid at 5 per second; then the refused bulk goes through.
        Assert.True(await CountlyClient.EventuallyAsync(
            async () => (await api.PostJsonAsync("/i/bulk", body.Replace("dev-b", "dev-c", StringComparison.Ordinal))).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15)));

        var sessions = await api.ReadUntilAsync(appId, "sessions", j => j?[DateTimeOffset.FromUnixTimeMilliseconds(start).Year.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["t"]?.GetValue<long>() == 24);
        Assert.Contains("\"n\":24", sessions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bulk_refused_for_one_app_costs_the_other_apps_in_it_nothing()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await LimitedServerAsync(azurite, perSecond: 1);
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        var (_, quietKey) = await api.CreateAppAsync("quiet");
        var (_, busyKey) = await api.CreateAppAsync("busy");
        // The busy app's budget is spent (seen refused, so that a slow machine's clock cannot
        // have refilled it before the bulk, as a single request could).
        Assert.True(await CountlyClient.EventuallyAsync(
            async () => (await api.WriteAsync(busyKey, "b1")).Status == HttpStatusCode.TooManyRequests,
            TimeSpan.FromSeconds(10)));

        // The quiet app's item comes first, so its budget is charged before the busy app refuses the bulk.
        var items = new JsonArray
        {
            new JsonObject { ["app_key"] = quietKey, ["device_id"] = "q1", ["begin_session"] = 1 },
            new JsonObject { ["app_key"] = busyKey, ["device_id"] = "b2", ["begin_session"] = 1 },
        };
        var refused = await api.PostJsonAsync("/i/bulk", new JsonObject { ["requests"] = items }.ToJsonString());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);

        // The quiet app's one request of this second is still there.
        Assert.Equal(HttpStatusCode.OK, (await api.WriteAsync(quietKey, "q2")).Status);
    }

    /// <summary>A server on <paramref name="azurite"/> that lets each app key send <paramref name="perSecond"/> write requests a second.</summary>
    private static Task<ServerProcess> LimitedServerAsync(AzuriteProcess azurite, int perSecond) =>
        ServerProcess.StartAsync(azurite.ConnectionString, environment: new Dictionary<string, string>
        {
            ["Analytics__Frontend__RateLimitPerAppKey"] = perSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
}
