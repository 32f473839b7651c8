using System.Diagnostics.Metrics;
using Analytics.Grains.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Analytics.Frontend;

/// <summary>
/// OpenTelemetry for both hosts: our meter and activity source (<c>Analytics</c>: ingest,
/// journal, flush and storage calls), Orleans' and ASP.NET Core's; a Prometheus scrape endpoint
/// at <c>/metrics</c> always; OTLP export of metrics and (sampled) traces when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class Telemetry
{
    /// <summary>
    /// Instruments updated on every grain call, activation or HTTP request that nobody acts on:
    /// directory lookups and registrations counted by kind, Kestrel's memory-pool rents and
    /// returns, and routing match attempts. Listening to them cost about 2 % of the silo's CPU
    /// under the <c>/i</c> benchmark (docs/performance.md); a dropped instrument is not listened
    /// to at all. Activations, grain-call latency, messages and HTTP request durations stay.
    /// </summary>
    public static readonly IReadOnlyList<string> PerCallInstrumentsDropped =
    [
        "orleans-directory-lookups-*",
        "orleans-directory-registrations-single-act-*",
        "orleans-directory-unregistrations-*",
        "aspnetcore.memory_pool.*",
        "aspnetcore.routing.match_attempts",
    ];

    /// <summary>
    /// Points each exported metric stream may hold (one per distinct combination of tag values),
    /// where OpenTelemetry's default is 2,000. A stream allocates all of its points when its
    /// instrument is first seen: at the default the silo's 110 streams took 16 MB of its heap
    /// (docs/performance.md, "What a pause is made of"). Our tags take a few dozen values at most
    /// (grain types, storage operations, HTTP status codes and routes); measurements past the limit
    /// are still counted, under OpenTelemetry's overflow tag.
    /// </summary>
    public const int MetricPointsPerStream = 200;

    /// <summary>
    /// How an instrument is exported: not at all for <see cref="PerCallInstrumentsDropped"/> and
    /// Orleans' directory-cache size (counted entry by entry on every collection, see
    /// <c>Analytics:Cluster:DirectoryCacheSize</c>: too costly for a scrape, and it says nothing an
    /// operator acts on); otherwise as OpenTelemetry would, with at most
    /// <see cref="MetricPointsPerStream"/> points.
    /// </summary>
    public static MetricStreamConfiguration StreamOf(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        foreach (var pattern in Dropped)
        {
            var dropped = pattern.EndsWith('*')
                ? instrument.Name.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.OrdinalIgnoreCase)
                : instrument.Name.Equals(pattern, StringComparison.OrdinalIgnoreCase);
            if (dropped)
            {
                return MetricStreamConfiguration.Drop;
            }
        }

        return new MetricStreamConfiguration { CardinalityLimit = MetricPointsPerStream };
    }

    /// <summary>Every instrument <see cref="StreamOf"/> drops: the per-call ones and Orleans' directory-cache size.</summary>
    private static readonly string[] Dropped = [.. PerCallInstrumentsDropped, "orleans-directory-cache-size"];

    /// <summary>The ASP.NET Core meters listened to: request durations and active requests, connections, routing, diagnostics.</summary>
    private static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.MemoryPool",
    ];

    /// <summary>Registers metrics and tracing for a host named <paramref name="serviceName"/>.</summary>
    public static IServiceCollection AddAnalyticsTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName))
            .WithMetrics(m =>
            {
                // ASP.NET Core's own meters, not AddAspNetCoreInstrumentation(): on .NET 10 that also
                // wraps every request in a middleware (an async state machine per request) only to
                // tag unhandled exceptions' 5xx with error.type, and CountlyApi answers every
                // exception itself.
                m.AddMeter(TableStore.MeterName, "Microsoft.Orleans")
                    .AddMeter(AspNetCoreMeters)
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter()
                    // One view for every instrument: an instrument matched by two views would be
                    // exported twice.
                    .AddView(StreamOf);

                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            // Traces only go somewhere when an OTLP endpoint is set; without one, an activity per
            // request and per grain call would cost CPU on the hot path for nothing.
            builder.WithTracing(t => t
                .AddSource(TableStore.MeterName, "Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Lifecycle", "Microsoft.Orleans.Storage")
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health") && !c.Request.Path.StartsWithSegments("/metrics"))
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(TraceSampleRatio(configuration))))
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>The default of <c>Analytics:Telemetry:TraceSampleRatio</c>.</summary>
    public const double DefaultTraceSampleRatio = 0.01;

    /// <summary>
    /// <c>Analytics:Telemetry:TraceSampleRatio</c>: a number from 0 to 1, else (unset, not a
    /// number, or out of range, such as <c>10</c> meant as 10 %) <see cref="DefaultTraceSampleRatio"/>.
    /// OpenTelemetry's sampler throws on a ratio outside 0..1, which would stop the host's start.
    /// </summary>
    public static double TraceSampleRatio(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return double.TryParse(configuration["Analytics:Telemetry:TraceSampleRatio"], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ratio)
            && ratio is >= 0 and <= 1
            ? ratio
            : DefaultTraceSampleRatio;
    }

    /// <summary>Serves Prometheus at <c>/metrics</c>.</summary>
    public static IApplicationBuilder UseAnalyticsMetrics(this IApplicationBuilder app) => app.UseOpenTelemetryPrometheusScrapingEndpoint();
}
