using System.Diagnostics.Metrics;
using System.Globalization;
using Analytics.Frontend;
using Analytics.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace Analytics.Tests.Http;

/// <summary>The Prometheus endpoint carries our own counters: grain calls by type and Table transactions by operation.</summary>
[Collection(nameof(ServerCollection))]
public sealed class MetricsEndpointTests(ServerFixture fixture)
{
    [Fact]
    public async Task Requests_show_up_as_device_grain_calls_and_journal_writes()
    {
        using var api = fixture.Api();
        var (_, appKey) = await api.CreateAppAsync();
        var before = await ScrapeAsync(api);

        await api.WriteAsync(appKey, "metrics-device", ("begin_session", "1"));
        await api.WriteAsync(appKey, "metrics-device", ("events", """[{"key":"k"}]"""));
        await api.WriteAsync(appKey, "metrics-device", ("end_session", "1"));

        // The exporter caches a scrape for a moment: poll until the counters have moved.
        var device = Sample(before, "analytics_grain_calls_total", "grain=\"device\"");
        var journal = Sample(before, "analytics_storage_transactions_total", "op=\"journal-write\"");
        string after = before;
        Assert.True(await CountlyClient.EventuallyAsync(async () =>
        {
            after = await ScrapeAsync(api);
            return Sample(after, "analytics_grain_calls_total", "grain=\"device\"") - device >= 3;
        }, TimeSpan.FromSeconds(10)), "device grain calls did not grow by the three requests");
        Assert.True(Sample(after, "analytics_storage_transactions_total", "op=\"journal-write\"") > journal);

        // The per-call instruments nobody acts on are not listened to (Telemetry.PerCallInstrumentsDropped);
        // activations, grain-call latency and HTTP durations are.
        var names = after.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny([' ', '{'])]).ToHashSet();
        Assert.DoesNotContain(names, n => n.StartsWith("orleans_directory_lookups_", StringComparison.Ordinal)
            || n.StartsWith("orleans_directory_registrations_single_act_", StringComparison.Ordinal)
            || n.StartsWith("orleans_directory_unregistrations_", StringComparison.Ordinal)
            || n.StartsWith("aspnetcore_memory_pool_", StringComparison.Ordinal)
            || n.StartsWith("aspnetcore_routing_match_attempts", StringComparison.Ordinal));
        Assert.Contains("orleans_catalog_activations", names);
        Assert.Contains("orleans_app_requests_latency_milliseconds_count", names);
        Assert.Contains("http_server_request_duration_seconds_count", names);
    }

    [Fact]
    public void Every_exported_stream_is_bounded_and_the_per_call_instruments_are_dropped()
    {
        using var meter = new Meter("metrics-endpoint-tests");
        var lookups = meter.CreateCounter<long>("orleans-directory-lookups-local-issued");
        var cacheSize = meter.CreateObservableGauge("orleans-directory-cache-size", () => 0);
        var memoryPool = meter.CreateCounter<long>("aspnetcore.memory_pool.rented");
        var matches = meter.CreateCounter<long>("aspnetcore.routing.match_attempts");
        var durations = meter.CreateHistogram<double>("http.server.request.duration");
        var calls = meter.CreateCounter<long>("analytics.grain.calls");

        Assert.All(new Instrument[] { lookups, cacheSize, memoryPool, matches }, i => Assert.Same(MetricStreamConfiguration.Drop, Telemetry.StreamOf(i)));
        Assert.All(new Instrument[] { durations, calls }, i =>
        {
            var stream = Telemetry.StreamOf(i);
            Assert.NotSame(MetricStreamConfiguration.Drop, stream);
            Assert.Equal(Telemetry.MetricPointsPerStream, stream.CardinalityLimit);
            Assert.Null(stream.Name);
        });
    }

    [Fact]
    public async Task Request_durations_keep_ASP_NET_Cores_bucket_boundaries_in_seconds()
    {
        using var api = fixture.Api();
        Assert.True(await CountlyClient.EventuallyAsync(async () =>
            (await ScrapeAsync(api)).Contains("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        var metrics = await ScrapeAsync(api);

        // The boundaries ASP.NET Core advises (5 ms to 10 s), not OpenTelemetry's defaults (0 to 10,000).
        var boundaries = metrics.Split('\n')
            .Where(l => l.StartsWith("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..])
            .Select(l => l[..l.IndexOf('"')])
            .ToHashSet();
        Assert.Contains("0.005", boundaries);
        Assert.Contains("10", boundaries);
        Assert.DoesNotContain("250", boundaries);
    }

    private static async Task<string> ScrapeAsync(CountlyClient api) => await api.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

    /// <summary>The value of the sample of <paramref name="name"/> whose labels contain <paramref name="label"/>, 0 when absent.</summary>
    private static double Sample(string metrics, string name, string label)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains(label, StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
