using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Http;

/// <summary>
/// App resets and event deletions while data of the app is still on its way
/// (in the aggregator, the state forwarder, unwritten counter checkpoints). Each test runs its own
/// server, because each needs its own pipeline timings or a restart.
/// </summary>
public sealed class ResetDurabilityTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public ResetDurabilityTests(AzuriteFixture azurite) => _azurite = azurite;

    private static string Year(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TestTime.Istanbul.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(ms))).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Counts of an event answered 200 before <c>/i/events/delete_events</c> must not come back
    /// after it. The aggregator may still hold them when the counter grain is cleared, and a
    /// delete keeps the app's epoch, so they used to be applied after the clear (7 read instead
    /// of 2, found in review), with the default AggregateFlushMs (250 ms) as with a slower one.
    /// </summary>
    [Theory]
    [InlineData("250")] // the default
    [InlineData("2000")]
    [InlineData("15000")] // the delete does not wait the interval out: the journal catches the grains up
    public async Task Event_counts_acknowledged_before_delete_events_do_not_come_back(string aggregateFlushMs)
    {
        await using var server = await ServerProcess.StartAsync(_azurite.Azurite.ConnectionString, environment: new Dictionary<string, string>
        {
            ["Analytics__Storage__AggregateFlushMs"] = aggregateFlushMs,
        });
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);

        // Registered first, so the key is known and its data fully applied.
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t)), ("events", """[{"key":"buy","count":1}]"""));
        await api.ReadUntilAsync(appId, "events", j => j?.ToJsonString() != "{}", "&event=buy", TimeSpan.FromSeconds(40));

        // Answered 200, then deleted at once.
        var sent = await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 1000)), ("events", """[{"key":"buy","count":5}]"""));
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var deleted = await api.GetAsync($"/i/events/delete_events?api_key={api.AdminKey}&app_id={appId}&events=" + Uri.EscapeDataString("""["buy"]"""));
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.True(clock.ElapsedMilliseconds < Math.Max(10_000, int.Parse(aggregateFlushMs, System.Globalization.CultureInfo.InvariantCulture) + 1000), $"the delete took {clock.ElapsedMilliseconds} ms");

        // The key comes back with a new count of 2: its data must be 2, not 2 plus what was deleted.
        await Task.Delay(3000);
        await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + 2000)), ("events", """[{"key":"buy","count":2}]"""));
        var body = await api.ReadUntilAsync(appId, "events", j => j?.ToJsonString() != "{}", "&event=buy", TimeSpan.FromSeconds(40));
        await Task.Delay(3000 + int.Parse(aggregateFlushMs, System.Globalization.CultureInfo.InvariantCulture));
        body = (await api.ReadAsync(appId, "events", "&event=buy")).Body;
        Assert.Equal(2, JsonNode.Parse(body)![Year(t)]!["c"]!.GetValue<long>());
    }

    /// <summary>
    /// A device active just before a reset and back just after it must be a new user once, not
    /// every time it comes back. The state forwarder still holds the device's pre-reset state
    /// (sequence 5) when the bucket is cleared; the device's next activation starts from
    /// nothing, and its numbers used to start again at 1, so the stale state outranked every
    /// newer one in the bucket and the device was counted new again (found in review).
    /// (CheckpointMs is raised so the forwarder, which sends every CheckpointMs/2 = 15 s by
    /// default, surely has not sent yet; a clean restart then drains it.)
    /// </summary>
    [Theory]
    [InlineData(0)] // control: the stale state's sequence number (2) does not outrank the new one (2)
    [InlineData(3)] // the stale state (sequence 5) outranks every newer state of the device
    public async Task A_device_active_around_a_reset_is_one_new_user_after_it(int eventsBefore)
    {
        await using var server = await ServerProcess.StartAsync(_azurite.Azurite.ConnectionString, environment: new Dictionary<string, string>
        {
            ["Analytics__Storage__CheckpointMs"] = "600000",
        });
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(1);

        // Before the reset: five records of device D (sequence 5); end_session deactivates its grain.
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t)));
        for (var i = 1; i <= eventsBefore; i++)
        {
            await api.WriteAsync(appKey, "D", ("timestamp", TestTime.Text(t + (i * 1000))), ("events", """[{"key":"e","count":1}]"""));
        }

        await api.WriteAsync(appKey, "D", ("end_session", "1"), ("session_duration", "10"), ("timestamp", TestTime.Text(t + 5000)));
        await api.ReadUntilAsync(appId, "sessions", j => j?[Year(t)]?["t"]?.GetValue<long>() == 1);

        var reset = await api.ManageAsync("/i/apps/reset", new JsonObject { ["app_id"] = appId, ["period"] = "reset" });
        Assert.Equal(HttpStatusCode.OK, reset.Status);

        // After the reset: D's first visit (a new user, rightly), its grain leaves after end_session.
        await api.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 600_000)));
        await api.WriteAsync(appKey, "D", ("end_session", "1"), ("session_duration", "10"), ("timestamp", TestTime.Text(t + 610_000)));
        await api.ReadUntilAsync(appId, "sessions", j => j?[Year(t)]?["t"]?.GetValue<long>() == 1);
        await Task.Delay(2000);

        // A clean restart: the forwarder hands what it holds to the buckets, which write it.
        await server.StopAsync();
        await server.StartAgainAsync();
        using var again = new CountlyClient(server.Client(), server.AdminKey);

        // D's second visit after the reset: a returning user.
        await again.WriteAsync(appKey, "D", ("begin_session", "1"), ("timestamp", TestTime.Text(t + 1_200_000)));
        var body = await again.ReadUntilAsync(appId, "sessions", j => j?[Year(t)]?["t"]?.GetValue<long>() == 2);
        var year = JsonNode.Parse(body)![Year(t)]!;
        Assert.Equal(2, year["t"]!.GetValue<long>());
        Assert.Equal(1, year["n"]!.GetValue<long>());
    }

    /// <summary>
    /// A reset's clear is durable when the reset answers: a crash right after it must not bring
    /// the erased data back. The clear used to delete the counter grain's meta row too (its epoch
    /// and journal watermarks) and write it at the next checkpoint, up to CheckpointMs later, so
    /// the journal's replay applied the untrimmed pre-reset segments again (found in review).
    /// </summary>
    [Fact]
    public async Task Data_reset_just_before_a_crash_stays_erased_after_it()
    {
        await using var server = await ServerProcess.StartAsync(_azurite.Azurite.ConnectionString);
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        var (appId, appKey) = await api.CreateAppAsync();
        var t = TestTime.InPreviousHour(10);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => api.WriteAsync(appKey, "D" + i, ("begin_session", "1"), ("timestamp", TestTime.Text(t + i)))));
        await api.ReadUntilAsync(appId, "sessions", j => j?[Year(t)]?["t"]?.GetValue<long>() == 5);

        var reset = await api.ManageAsync("/i/apps/reset", new JsonObject { ["app_id"] = appId, ["period"] = "reset" });
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Expect.Json(await api.ReadAsync(appId, "sessions"), "{}");

        await server.KillAsync();
        await server.StartAgainAsync();
        using var again = new CountlyClient(server.Client(), server.AdminKey);
        await Task.Delay(3000);

        Expect.Json(await again.ReadAsync(appId, "sessions"), "{}");
    }
}
