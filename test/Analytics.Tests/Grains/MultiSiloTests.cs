using Analytics.Grains;
using Analytics.Grains.Counters;
using Analytics.Grains.Devices;
using Analytics.Grains.Pipeline;
using Analytics.Tests.Infrastructure;
using Orleans.Configuration;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace Analytics.Tests.Grains;

/// <summary>
/// Several silos with Table storage: one app's devices are spread over them, silos are stopped
/// and killed while requests flow, the sender retries like an SDK, and the counts stay exact.
/// </summary>
[Collection(nameof(AzuriteCollection))]
public sealed class MultiSiloTests(AzuriteFixture azurite)
{
    private const string AppId = "5f0000000000000000000042";
    private const string Zone = "UTC";

    [Fact]
    public async Task Counts_stay_exact_when_one_silo_stops_and_another_is_killed()
    {
        await using var cluster = await PipelineCluster.StartAsync(azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix(), silos: 3);
        const int devices = 90;
        var start = PreviousHour();
        var sessions = Enumerable.Range(0, devices).Select(i => Session($"m-{i}", start + (i * 10))).ToList();

        // First third: all silos up; the devices land on all three.
        await SendAllAsync(cluster, sessions.Take(30));
        var hosts = new HashSet<string>();
        foreach (var silo in cluster.Silos)
        {
            hosts.Add(silo.SiloAddress.ToString());
        }

        Assert.Equal(3, hosts.Count);

        // Second third while one silo leaves cleanly, last third while another is killed.
        var stopping = cluster.StopSiloAsync(cluster.Silos[1]);
        await SendAllAsync(cluster, sessions.Skip(30).Take(30));
        await stopping;
        var killing = cluster.KillSiloAsync(cluster.Silos[^1]);
        await SendAllAsync(cluster, sessions.Skip(60));
        await killing;

        var counter = await ExpectTotalsAsync(cluster, start, devices, devices, TimeSpan.FromSeconds(90));
        Assert.Equal(devices, (await counter.ReadAsync(["0"])).Docs["0"]["u"]);
    }

    [Fact]
    public async Task A_bucket_reactivated_after_its_silo_died_gets_the_live_journals_states_before_serving_a_device()
    {
        // Buckets write only when a journal's forwarder first polls them, never by their own
        // timer during the test. The silo to be killed reaches storage through a proxy, cut
        // before it dies, so that its buckets cannot write on the way out (an in-process silo's
        // kill still runs their deactivation).
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        await using var cluster = await PipelineCluster.StartAsync(
            azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix(), silos: 3, o => o.DeviceCheckpointMs = 600_000,
            storageOf: silo => silo == 2 ? azurite.Azurite.ConnectionStringVia(proxy.Port) : null);
        const int warm = 240, devices = 64;
        var start = PreviousHour();
        var buckets = Enumerable.Range(0, 16).Select(b => cluster.Client.GetGrain<IDeviceBucketGrain>(DeviceBuckets.KeyOf(AppId, b))).ToList();
        async Task<bool> Known(int count) => (await Task.WhenAll(buckets.Select(b => b.CountAsync()))).Sum() == count;

        // The buckets spread over the three silos (placement alone may put them all on one).
        for (var b = 0; b < buckets.Count; b++)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, cluster.Silos[b % 3].SiloAddress);
            await buckets[b].CountAsync();
            RequestContext.Clear();
        }

        // Warm-up devices: each silo's forwarder sends to (nearly) every bucket and polls it once,
        // which makes the bucket write; the next poll is ten minutes away.
        await SendAllAsync(cluster, Enumerable.Range(0, warm).Select(i => Session($"w-{i}", start + i)));
        Assert.True(await PipelineCluster.EventuallyAsync(() => Known(warm)));
        await Task.Delay(2000);

        // New devices: their states reach the buckets (forwarded and handed back) and stay in memory.
        await SendAllAsync(cluster, Enumerable.Range(0, devices).Select(i => Session($"k-{i}", start + 10_000 + (i * 10))));
        Assert.True(await PipelineCluster.EventuallyAsync(() => Known(warm + devices)));
        await Task.Delay(1500);

        // Kill a silo other than the first (the test cluster's primary) that hosts buckets: what
        // they held of the new devices is now only in the journals, mostly those of live silos.
        var stats = (await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Where(g => g.GrainType.Contains(nameof(DeviceBucketGrain), StringComparison.Ordinal)).ToList();
        Assert.Equal(16, stats.Count);
        var victim = cluster.Silos[2];
        var lostBuckets = stats.Count(g => g.SiloAddress.Equals(victim.SiloAddress));
        Assert.Equal(5, lostBuckets);
        // Its buckets go first, unable to write (the silo keeps their states, and loses them with
        // its life): an in-process kill lets the old activations serve for a while.
        proxy.Break();
        foreach (var bucket in stats.Where(g => g.SiloAddress.Equals(victim.SiloAddress)))
        {
            var gone = cluster.WaitForDeactivationAsync(bucket.GrainId);
            await cluster.Client.GetGrain(bucket.GrainId).Cast<IGrainManagementExtension>().DeactivateOnIdle();
            await gone;
        }

        await cluster.KillSiloAsync(victim);

        // The new devices return: none may be taken for a new one.
        var again = start + 600_000;
        await SendAllAsync(cluster, Enumerable.Range(0, devices).Select(i => Session($"k-{i}", again + (i * 10))));

        var counter = await ExpectTotalsAsync(cluster, start, warm + (2 * devices), warm + devices, TimeSpan.FromSeconds(60), $"{lostBuckets} buckets lost: ");
        Assert.Equal(warm + devices, (await counter.ReadAsync(["0"])).Docs["0"]["u"]);
    }

    [Fact]
    public async Task A_device_whose_grain_left_before_its_last_request_was_written_is_not_served_that_state_once_its_silo_dies()
    {
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        await using var cluster = await StartWithProxiedSiloAsync(proxy);
        var requests = await UnsettledDeviceAsync(cluster, proxy, "unsettled-1");

        // Silo 2 dies before storage comes back; the SDK sends the end again, which must count.
        await cluster.KillSiloAsync(cluster.Silos.Single(s => s.Name == "Silo_2"));
        await SendAllAsync(cluster, [new[] { requests[3] }]);

        await ExpectCountedOnceAsync(cluster, requests);
    }

    [Fact]
    public async Task A_device_whose_grain_left_before_its_last_request_was_written_waits_for_that_record_and_counts_it_once()
    {
        // As above, but silo 2 lives on and storage comes back: the device's next load waits for
        // silo 2's journal to write the request and send the state, so the re-send is recognised.
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        await using var cluster = await StartWithProxiedSiloAsync(proxy);
        var requests = await UnsettledDeviceAsync(cluster, proxy, "unsettled-2");

        await ResendWaitingForHealAsync(cluster, proxy, requests);
        await ExpectCountedOnceAsync(cluster, requests);
    }

    [Fact]
    public async Task A_device_grain_that_gives_up_on_its_last_record_tells_its_bucket_before_Orleans_lets_it_go()
    {
        // The grain's last request waited for its commit inside the grain, so Orleans' deactivation
        // timeout, counted from the DeactivateOnIdle of that turn, was half gone when the grain began
        // to leave. A load shortly before Orleans lets the activation go (the device's next
        // activation may load right after) must already find the device held by silo 2's journal
        // and wait for that record.
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        await using var cluster = await StartWithProxiedSiloAsync(proxy);
        var bucket = cluster.Client.GetGrain<IDeviceBucketGrain>(DeviceBuckets.KeyOf(AppId, "unsettled-4", 16));
        Task<byte[]?>? load = null;
        var requests = await UnsettledDeviceAsync(cluster, proxy, "unsettled-4", whileLeaving: async () =>
        {
            // The grain's turn waited 1 s for its commit; Orleans' 2 s have 0.3 s left now.
            await Task.Delay(700);
            load = bucket.LoadAsync("unsettled-4", "another-journal");
        });

        Assert.NotNull(load);
        Assert.NotSame(load, await Task.WhenAny(load, Task.Delay(1500)));
        proxy.Heal();
        var state = Analytics.Grains.Codec.DeviceStateCodec.Decode(await load ?? []);
        Assert.Equal(4, state.Seq);
        Assert.True(state.HasFingerprint(requests[3].Fingerprint));
    }

    [Fact]
    public async Task A_device_whose_unwritten_last_request_its_bucket_forgot_still_waits_for_that_record_and_counts_it_once()
    {
        // As above, but the device's bucket deactivates while the device is away, and with it
        // its mark of the unwritten request: its next activation, on the same silo, learns of
        // that record from silo 2's journal when it catches up.
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        await using var cluster = await StartWithProxiedSiloAsync(proxy);
        var requests = await UnsettledDeviceAsync(cluster, proxy, "unsettled-3");
        var bucket = cluster.Client.GetGrain<IDeviceBucketGrain>(DeviceBuckets.KeyOf(AppId, "unsettled-3", 16));
        var gone = cluster.WaitForDeactivationAsync(bucket.GetGrainId());
        await bucket.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await gone;

        // The device comes back on silo 1, whose storage works, and so does its bucket.
        await ResendWaitingForHealAsync(cluster, proxy, requests, on: cluster.Silos.Single(s => s.Name == "Silo_1").SiloAddress);
        await ExpectCountedOnceAsync(cluster, requests);
    }

    [Fact]
    public async Task A_bucket_activating_or_a_silo_starting_while_the_journal_directory_sits_on_a_silo_cut_from_storage_is_not_held_by_it()
    {
        // No silo is dead, so no journal needs a replay: neither a bucket nor a starting silo need
        // ask the directory, whose registry reads on Silo_2 fail while its storage is cut.
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        await using var cluster = await StartWithProxiedSiloAsync(proxy);
        var (proxied, other) = (cluster.Silos.Single(s => s.Name == "Silo_2").SiloAddress, cluster.Silos.Single(s => s.Name == "Silo_1").SiloAddress);
        var directory = cluster.Client.GetGrain<IJournalDirectoryGrain>(0);
        await cluster.MigrateAsync(directory.GetGrainId(), proxied);
        RequestContext.Clear();
        await directory.EnsureReplayedAsync(null);
        Assert.Contains(
            (await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Where(g => g.GrainId == directory.GetGrainId()),
            g => g.SiloAddress.Equals(proxied));
        proxy.Break();

        // A bucket activates on Silo_1 now, and a new device of it begins a session there.
        const string deviceId = "far-from-directory";
        var requests = Session(deviceId, PreviousHour());
        RequestContext.Set(IPlacementDirector.PlacementHintKey, other);
        await cluster.Client.GetGrain<IDeviceBucketGrain>(DeviceBuckets.KeyOf(AppId, deviceId, 16)).CountAsync();
        var ingest = cluster.Client.GetGrain<IDeviceGrain>(DeviceGrain.KeyOf(AppId, deviceId)).IngestAsync(requests[0]);
        RequestContext.Clear();

        Assert.Same(ingest, await Task.WhenAny(ingest, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(IngestResult.Success, await ingest);

        var joined = cluster.StartAdditionalSiloAsync();
        Assert.Same(joined, await Task.WhenAny(joined, Task.Delay(TimeSpan.FromSeconds(60))));
        Assert.True((await joined).IsActive);
    }

    /// <summary>
    /// Three silos, the one named Silo_2 reaching storage through <paramref name="proxy"/>; answers
    /// give up on the journal after 1 s, and Orleans waits 2 s for a deactivating grain (30 s by
    /// default).
    /// </summary>
    private async Task<InProcessTestCluster> StartWithProxiedSiloAsync(FaultProxy proxy)
    {
        var cluster = await PipelineCluster.StartAsync(
            azurite.Azurite.ConnectionString, AzuriteFixture.NewPrefix(), silos: 3, o => o.JournalCommitWaitMs = 1000,
            storageOf: silo => silo == 2 ? azurite.Azurite.ConnectionStringVia(proxy.Port) : null,
            configureSilo: silo => silo.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = TimeSpan.FromSeconds(2)));

        // The journal directory, which every bucket activation asks, away from Silo_2: cut from
        // storage, it would hold each load by itself, and a test could not see what held it.
        var directory = cluster.Client.GetGrain<IJournalDirectoryGrain>(0);
        var proxied = cluster.Silos.Single(s => s.Name == "Silo_2").SiloAddress;
        async Task<SiloAddress?> HostAsync() => (await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .SingleOrDefault(g => g.GrainId == directory.GetGrainId())?.SiloAddress;
        for (var attempt = 0; await HostAsync() is not { } host || host.Equals(proxied); attempt++)
        {
            Assert.True(attempt < 10, "the journal directory stays on Silo_2");
            await cluster.MigrateAsync(directory.GetGrainId(), cluster.Silos.Single(s => s.Name == "Silo_1").SiloAddress);
            RequestContext.Clear();
            await directory.EnsureReplayedAsync(null);
        }

        return cluster;
    }

    /// <summary>
    /// A device on the silo named Silo_2 (storage through <paramref name="proxy"/>) whose bucket is on
    /// Silo_1: a session's first three requests written, then storage cut and its end applied,
    /// never written, not acknowledged (its turn waits 1 s for the commit, then answers 503);
    /// runs <paramref name="whileLeaving"/> then, and returns once the device's grain has left.
    /// </summary>
    private static async Task<IngestRequest[]> UnsettledDeviceAsync(InProcessTestCluster cluster, FaultProxy proxy, string deviceId, Func<Task>? whileLeaving = null)
    {
        var (proxied, other) = (cluster.Silos.Single(s => s.Name == "Silo_2"), cluster.Silos.Single(s => s.Name == "Silo_1"));
        var requests = Session(deviceId, PreviousHour());
        RequestContext.Set(IPlacementDirector.PlacementHintKey, other.SiloAddress);
        await cluster.Client.GetGrain<IDeviceBucketGrain>(DeviceBuckets.KeyOf(AppId, deviceId, 16)).CountAsync();
        var device = cluster.Client.GetGrain<IDeviceGrain>(DeviceGrain.KeyOf(AppId, deviceId));
        RequestContext.Set(IPlacementDirector.PlacementHintKey, proxied.SiloAddress);
        Assert.Equal(IngestResult.Success, await device.IngestAsync(requests[0]));
        RequestContext.Clear();
        Assert.Equal(IngestResult.Success, await device.IngestAsync(requests[1]));
        Assert.Equal(IngestResult.Success, await device.IngestAsync(requests[2]));
        var hosts = (await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(g => g.GrainType.Contains(nameof(DeviceGrain), StringComparison.Ordinal) || g.GrainType.Contains(nameof(DeviceBucketGrain), StringComparison.Ordinal))
            .ToDictionary(g => g.GrainType.Contains(nameof(DeviceBucketGrain), StringComparison.Ordinal) ? "bucket" : "device", g => g.SiloAddress);
        Assert.Equal(proxied.SiloAddress, hosts["device"]);
        Assert.Equal(other.SiloAddress, hosts["bucket"]);

        // The grain leaves after its session's end, and gives up waiting for that record before
        // Orleans' deactivation timeout.
        proxy.Break();
        var gone = cluster.WaitForDeactivationAsync(device.GetGrainId());
        Assert.Equal(IngestResult.Pending, await device.IngestAsync(requests[3]));
        if (whileLeaving is not null)
        {
            await whileLeaving();
        }

        await gone;
        return requests;
    }

    /// <summary>
    /// Re-sends the session's unacknowledged end (on silo <paramref name="on"/> if given), which
    /// must wait while storage stays cut from Silo_2, then heals it and waits for the answer.
    /// </summary>
    private static async Task ResendWaitingForHealAsync(InProcessTestCluster cluster, FaultProxy proxy, IngestRequest[] requests, SiloAddress? on = null)
    {
        if (on is not null)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, on);
        }

        var resend = SendAllAsync(cluster, [new[] { requests[3] }]);
        RequestContext.Clear();
        await Task.Delay(3000);
        Assert.False(resend.IsCompleted, "the device was served before its journal had written its last request");
        proxy.Heal();
        await resend;
    }

    /// <summary>The session of <paramref name="requests"/> (four requests, 30 s) counted exactly once, and still once a little later.</summary>
    private static async Task ExpectCountedOnceAsync(InProcessTestCluster cluster, IngestRequest[] requests)
    {
        await ExpectTotalsAsync(cluster, requests[0].Timestamp, sessions: 1, newDevices: 1, TimeSpan.FromSeconds(60));
        await Task.Delay(3000);
        await ExpectTotalsAsync(cluster, requests[0].Timestamp, sessions: 1, newDevices: 1, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Waits until the users collection of the year of <paramref name="timestamp"/> totals
    /// <paramref name="sessions"/> sessions of four requests and 30 s each, of
    /// <paramref name="newDevices"/> new devices; returns its counter grain.
    /// </summary>
    private static async Task<ICounterGrain> ExpectTotalsAsync(InProcessTestCluster cluster, long timestamp, int sessions, int newDevices, TimeSpan timeout, string message = "")
    {
        var year = DateTimeOffset.FromUnixTimeMilliseconds(timestamp).Year;
        var counter = cluster.Client.GetGrain<ICounterGrain>(new CounterKey(AppId, year, Collections.Users).ToString());
        var expected = new Dictionary<string, decimal> { ["t"] = sessions, ["n"] = newDevices, ["e"] = sessions * 4, ["d"] = sessions * 30 };
        Dictionary<string, decimal>? actual = null;
        var ok = await PipelineCluster.EventuallyAsync(async () =>
        {
            actual = Totals(await counter.ReadAsync(null));
            return expected.All(kv => actual.GetValueOrDefault(kv.Key) == kv.Value);
        }, timeout);
        Assert.True(ok, message + string.Join(", ", actual?.Select(kv => $"{kv.Key}={kv.Value}") ?? []));
        return counter;
    }

    /// <summary>Sends each device's requests in order, retrying failures with the same request (as an SDK re-sends it).</summary>
    private static async Task SendAllAsync(InProcessTestCluster cluster, IEnumerable<IngestRequest[]> sessions)
    {
        await Task.WhenAll(sessions.Select(async requests =>
        {
            foreach (var request in requests)
            {
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        var result = await cluster.Client.GetGrain<IDeviceGrain>(DeviceGrain.KeyOf(AppId, request.DeviceId)).IngestAsync(request);
                        if (result is IngestResult.Success or IngestResult.Duplicate)
                        {
                            break;
                        }
                    }
                    catch (Exception) when (attempt < 200)
                    {
                    }

                    await Task.Delay(250);
                }
            }
        }));
    }

    private static IngestRequest[] Session(string deviceId, long start)
    {
        IngestRequest R(long offset) => new()
        {
            AppId = AppId,
            DeviceId = deviceId,
            Timestamp = start + offset,
            ReceivedAt = start + offset,
            TimeZone = Zone,
            Fingerprint = Analytics.Grains.Storage.StableHash.Of($"{deviceId}:{start + offset}") | 1,
        };
        return
        [
            R(0) with { BeginSession = true },
            R(1) with { Events = [new IngestEvent { Key = "buy", Count = 2, Timestamp = start + 1 }] },
            R(2) with { HasSessionDuration = true, SessionDuration = 30 },
            R(3) with { EndSession = true },
        ];
    }

    private static long PreviousHour() => ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000) - 1) * 3_600_000 + 60_000;

    /// <summary>Sums of the day-level props over all month documents.</summary>
    private static Dictionary<string, decimal> Totals(CounterSnapshot s)
    {
        var totals = new Dictionary<string, decimal>();
        foreach (var (doc, values) in s.Docs)
        {
            if (doc == "0")
            {
                continue;
            }

            foreach (var (path, value) in values)
            {
                var parts = path.Split('.');
                if (parts.Length == 2)
                {
                    totals[parts[1]] = totals.GetValueOrDefault(parts[1]) + value;
                }
            }
        }

        return totals;
    }
}
