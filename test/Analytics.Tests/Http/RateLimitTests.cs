using System.Net;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>The optional per-app-key limit answers 429 with Retry-After and leaves other apps alone.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Requests_beyond_the_per_app_limit_get_429_with_retry_after()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await ServerProcess.StartAsync(azurite.ConnectionString, environment: new Dictionary<string, string>
        {
            ["Analytics__Frontend__RateLimitPerAppKey"] = "5",
        });
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
}
