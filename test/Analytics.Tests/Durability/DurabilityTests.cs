using System.Net;
using System.Text.Json.Nodes;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Durability;

/// <summary>
/// "A 200 means the data is safe" (issue 6) with real processes: the server is killed with
/// SIGKILL under SDK-style load, storage goes away under load, requests are delivered twice
/// around restarts; the numbers read through <c>/o</c> are exactly what the client sent.
/// </summary>
public sealed class DurabilityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Acknowledged_requests_survive_kill_9_and_resent_requests_count_once(bool eventsTogether)
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await ServerProcess.StartAsync(azurite.ConnectionString);
        var (appId, appKey) = await CreateAppAsync(server);
        const int devices = 300;
        var client = new SdkStyleClient(() => server.BaseAddress, appKey);
        // With eventsTogether a device's two event requests are in the server at once: the device
        // grain answers each right after its journal append and the frontend waits for the
        // segment, so one device can have records in two segments when the kill comes.
        var run = client.RunAsync(Sessions(devices), parallelism: 16, new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token, eventsTogether);

        Assert.True(await CountlyClient.EventuallyAsync(() => Task.FromResult(client.Delivered >= 400), TimeSpan.FromSeconds(60)));
        await server.KillAsync();
        var deliveredAtKill = client.Delivered;
        await server.StartAgainAsync(samePort: true);
        await run;

        Assert.True(deliveredAtKill < devices * 5, "the kill happened before the load finished");
        Assert.Equal(devices * 5, client.Delivered);
        Assert.Contains("Replaying journal", server.Log);
        await AssertExactAsync(server, appId, devices);
    }

    [Fact]
    public async Task A_storage_outage_answers_503_with_retry_after_and_loses_nothing()
    {
        await using var storage = await ProxiedStorage.StartAsync(new Dictionary<string, string>
        {
            ["Analytics__Storage__JournalMaxPendingRecords"] = "300",
            ["Analytics__Storage__JournalCommitWaitMs"] = "2000",
        });
        var (proxy, server) = (storage.Proxy, storage.Server);
        var (appId, appKey) = await CreateAppAsync(server);
        var (quietId, _) = await CreateAppAsync(server);
        const int devices = 200;
        var client = new SdkStyleClient(() => server.BaseAddress, appKey);
        var run = client.RunAsync(Sessions(devices), parallelism: 16, new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        Assert.True(await CountlyClient.EventuallyAsync(() => Task.FromResult(client.Delivered >= 200), TimeSpan.FromSeconds(60)));

        proxy.Break();
        Assert.True(await CountlyClient.EventuallyAsync(() => Task.FromResult(client.Statuses.GetValueOrDefault(503) > 0), TimeSpan.FromSeconds(30)), "no 503 while storage was down");
        // A request refused now (503) may or may not be queued; like an SDK, the probe is re-sent
        // unchanged (same timestamp) until it is acknowledged, and counts once.
        var probe = SdkStyleClient.Session("probe", PreviousHour() + 7)[0];
        using (var http = server.Client())
        {
            using var busy = await http.GetAsync($"/i?app_key={appKey}&{probe}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.True(busy.Headers.RetryAfter is not null, "503 without Retry-After");
            using var read = await http.GetAsync($"/o?api_key={server.AdminKey}&app_id={appId}&method=sessions");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);

            // An app's live numbers never seen before storage went down (its live grain activates
            // now, unable to read its stored maxima) still answer.
            Assert.Equal("""{"o":0,"n":0,"om":0,"nm":0}""", await http.GetStringAsync($"/o?api_key={server.AdminKey}&app_id={quietId}&method=live"));
        }

        await Task.Delay(1000);
        proxy.Heal();
        await run;
        await new SdkStyleClient(() => server.BaseAddress, appKey).RunAsync([[probe]], 1, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);

        Assert.Equal(devices * 5, client.Delivered);
        await AssertExactAsync(server, appId, devices, probes: 1);
    }

    [Theory]
    [InlineData(Waiter.Frontend)]
    [InlineData(Waiter.Grain)]
    [InlineData(Waiter.SeparateFrontend)]
    public async Task A_duplicate_of_a_request_not_yet_durable_is_answered_only_once_its_original_is(Waiter waiter)
    {
        // Every way of waiting: the co-hosted frontend waits for the ticket in its own journal
        // (the default), the device grain waits in its turn (WaitOutsideGrain off), or a frontend
        // in another process waits through the silo's journal watch.
        await using var storage = await ProxiedStorage.StartAsync(new Dictionary<string, string>
        {
            ["Analytics__Storage__JournalCommitWaitMs"] = "60000",
            ["Analytics__Storage__WaitOutsideGrain"] = waiter == Waiter.Grain ? "false" : "true",
        }, separateFrontend: waiter == Waiter.SeparateFrontend);
        var (proxy, server) = (storage.Proxy, storage.Frontend);
        var (appId, appKey) = await CreateAppAsync(server);
        var session = SdkStyleClient.Session("twice-in-flight", PreviousHour());
        using var http = server.Client();
        http.Timeout = TimeSpan.FromMinutes(2);

        // While storage is up, the session begins, so the device needs no storage read later.
        Assert.Equal("""{"result":"Success"}""", await http.GetStringAsync($"/i?app_key={appKey}&{session[0]}"));
        await Task.Delay(500);
        proxy.Break();

        // The SDK times out and sends the same request again while the first is still waiting
        // for its journal segment: neither may be answered before that segment is written.
        var original = http.GetStringAsync($"/i?app_key={appKey}&{session[3]}");
        await Task.Delay(300);
        var resent = http.GetStringAsync($"/i?app_key={appKey}&{session[3]}");
        await Task.Delay(1500);
        Assert.False(original.IsCompleted, "answered before its record was durable");
        Assert.False(resent.IsCompleted, "the duplicate was answered before its original was durable");

        proxy.Heal();
        Assert.Equal("""{"result":"Success"}""", await original);
        Assert.Equal("""{"result":"Success","info":"Request ignored: Duplicate request"}""", await resent);
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        await api.ReadUntilAsync(appId, "sessions", j => Year(j)?["d"]?.GetValue<long>() == 30, timeout: TimeSpan.FromSeconds(30));
        await Task.Delay(600);
        Assert.Equal(30, Year((await api.ReadAsync(appId, "sessions")).Json)!["d"]!.GetValue<long>());
    }

    [Fact]
    public async Task Without_durable_acks_requests_are_answered_during_an_outage_only_up_to_the_ack_ahead_bound()
    {
        await using var storage = await ProxiedStorage.StartAsync(new Dictionary<string, string>
        {
            ["Analytics__Storage__DurableAcks"] = "false",
            ["Analytics__Storage__AckAheadRecords"] = "3",
            ["Analytics__Storage__JournalCommitWaitMs"] = "1500",
        });
        var (proxy, server) = (storage.Proxy, storage.Server);
        var (appId, appKey) = await CreateAppAsync(server);
        var first = PreviousHour();
        var session = SdkStyleClient.Session("ahead", first);
        string Plain(long offset, string rest) => $"device_id=ahead&timestamp={(first + offset).ToString(System.Globalization.CultureInfo.InvariantCulture)}&{rest}";
        using (var http = server.Client())
        {
            // While storage is up: the session begins and its events register their keys, so
            // the device, its bucket and the event registry need no storage during the outage.
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("""{"result":"Success"}""", await http.GetStringAsync($"/i?app_key={appKey}&{session[i]}"));
            }

            await Task.Delay(1000);
            proxy.Break();

            // Three records may be acknowledged before they are durable: answered at once.
            foreach (var query in new[] { session[3], Plain(5, "session_duration=5"), Plain(6, "session_duration=5") })
            {
                Assert.Equal("""{"result":"Success"}""", await http.GetStringAsync($"/i?app_key={appKey}&{query}"));
            }

            // The fourth would run further ahead of storage: it waits for its segment, then 503.
            using var fourth = await http.GetAsync($"/i?app_key={appKey}&{Plain(7, "end_session=1")}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, fourth.StatusCode);
        }

        proxy.Heal();
        // Like an SDK, the fourth is re-sent unchanged until it is acknowledged; it counts once.
        await new SdkStyleClient(() => server.BaseAddress, appKey).RunAsync([[Plain(7, "end_session=1")]], 1, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        await api.ReadUntilAsync(appId, "sessions", j => Year(j)?["e"]?.GetValue<long>() == 7, timeout: TimeSpan.FromSeconds(30));
        await Task.Delay(600);
        var year = Year((await api.ReadAsync(appId, "sessions")).Json)!;
        Assert.Equal(1, year["t"]!.GetValue<long>());
        Assert.Equal(1, year["n"]!.GetValue<long>());
        Assert.Equal(7, year["e"]!.GetValue<long>());
        Assert.Equal(40, year["d"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_request_delivered_twice_around_a_restart_is_counted_once(bool crash)
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await ServerProcess.StartAsync(azurite.ConnectionString);
        var (appId, appKey) = await CreateAppAsync(server);
        var query = SdkStyleClient.Session("twice", PreviousHour())[0];

        using (var http = server.Client())
        {
            Assert.Equal("""{"result":"Success"}""", await http.GetStringAsync($"/i?app_key={appKey}&{query}"));
        }

        if (crash)
        {
            await server.KillAsync();
        }
        else
        {
            await server.StopAsync();
        }

        await server.StartAgainAsync();
        using (var http = server.Client())
        {
            Assert.Equal("""{"result":"Success","info":"Request ignored: Duplicate request"}""", await http.GetStringAsync($"/i?app_key={appKey}&{query}"));
        }

        using var api = new CountlyClient(server.Client(), server.AdminKey);
        var body = await api.ReadUntilAsync(appId, "sessions", j => Year(j)?["t"]?.GetValue<long>() == 1);
        await Task.Delay(600);
        Assert.Equal(1, Year((await api.ReadAsync(appId, "sessions")).Json)!["t"]!.GetValue<long>());
        Assert.Equal(1, Year((await api.ReadAsync(appId, "sessions")).Json)!["n"]!.GetValue<long>());
    }

    /// <summary>Who waits for a request's journal segment before it is answered.</summary>
    public enum Waiter
    {
        /// <summary>The frontend co-hosted in the device grain's silo, in its own journal.</summary>
        Frontend,

        /// <summary>The device grain, in its turn (<c>WaitOutsideGrain=false</c>).</summary>
        Grain,

        /// <summary>A frontend in another process (the separate tier), through the silo's journal watch.</summary>
        SeparateFrontend,
    }

    /// <summary>
    /// Azurite behind a <see cref="FaultProxy"/>, and the server using storage through it; with
    /// <c>separateFrontend</c>, a silo and a separate frontend process (an Orleans client) on a
    /// cluster whose every table, membership included, is behind the proxy.
    /// </summary>
    private sealed record ProxiedStorage(AzuriteProcess Azurite, FaultProxy Proxy, ServerProcess Server, ServerProcess? SeparateFrontend = null) : IAsyncDisposable
    {
        /// <summary>Where HTTP requests go: the separate frontend if there is one, else the server.</summary>
        public ServerProcess Frontend => SeparateFrontend ?? Server;

        public static async Task<ProxiedStorage> StartAsync(Dictionary<string, string> environment, bool separateFrontend = false)
        {
            var azurite = await AzuriteProcess.StartAsync();
            var proxy = new FaultProxy(azurite.Port);
            var viaProxy = azurite.ConnectionStringVia(proxy.Port);
            if (!separateFrontend)
            {
                return new ProxiedStorage(azurite, proxy, await ServerProcess.StartAsync(viaProxy, environment: environment));
            }

            var prefix = AzuriteFixture.NewPrefix();
            var clustered = ServerProcess.Clustered(prefix);
            foreach (var (name, value) in environment)
            {
                clustered[name] = value;
            }

            var silo = await ServerProcess.StartAsync(viaProxy, prefix, clustered);
            var frontend = await ServerProcess.StartAsync(viaProxy, prefix, clustered, silo.AdminKey, ServerProcess.FrontendDll());
            return new ProxiedStorage(azurite, proxy, silo, frontend);
        }

        public async ValueTask DisposeAsync()
        {
            if (SeparateFrontend is not null)
            {
                await SeparateFrontend.DisposeAsync();
            }

            await Server.DisposeAsync();
            await Proxy.DisposeAsync();
            await Azurite.DisposeAsync();
        }
    }

    private static async Task<(string Id, string Key)> CreateAppAsync(ServerProcess server)
    {
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        try
        {
            return await api.CreateAppAsync(timezone: "UTC");
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
        {
            // Failed once in many runs, right after start-up: keep what the server said then.
            var log = server.Log;
            throw new InvalidOperationException($"creating the app failed ({e.Message}); server log tail:\n{log[Math.Max(0, log.Length - 4000)..]}", e);
        }
    }

    /// <summary>A moment in the previous UTC hour, so every request lands in one hour and one day.</summary>
    private static long PreviousHour() => ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000) - 1) * 3_600_000 + 60_000;

    private static List<IReadOnlyList<string>> Sessions(int devices)
    {
        var start = PreviousHour();
        return Enumerable.Range(0, devices).Select(i => SdkStyleClient.Session($"dev-{i}", start + (i * 10))).ToList();
    }

    private static JsonNode? Year(JsonNode? sessions)
    {
        var year = DateTimeOffset.FromUnixTimeMilliseconds(PreviousHour()).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return sessions?[year];
    }

    /// <summary>Asserts the numbers of <paramref name="devices"/> whole sessions plus <paramref name="probes"/> lone begin_session requests.</summary>
    private static async Task AssertExactAsync(ServerProcess server, string appId, int devices, int probes = 0)
    {
        using var api = new CountlyClient(server.Client(), server.AdminKey);
        var body = await api.ReadUntilAsync(appId, "sessions", j => Year(j)?["e"]?.GetValue<long>() == (devices * 5) + probes, timeout: TimeSpan.FromSeconds(30));
        var year = Year(JsonNode.Parse(body))!;
        Assert.Equal(devices + probes, year["t"]!.GetValue<long>());
        Assert.Equal(devices + probes, year["n"]!.GetValue<long>());
        Assert.Equal(devices + probes, year["u"]!.GetValue<long>());
        Assert.Equal((devices * 5) + probes, year["e"]!.GetValue<long>());
        Assert.Equal(devices * 30, year["d"]!.GetValue<long>());

        var events = (await api.ReadAsync(appId, "events", "&event=purchase")).Json!;
        var eventYear = Year(events)!;
        Assert.Equal(devices * 4, eventYear["c"]!.GetValue<long>());
        Assert.Equal(devices * 3m, eventYear["s"]!.GetValue<decimal>());
    }
}
