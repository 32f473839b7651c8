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
                    // Counted entry by entry on every collection (Analytics:Cluster:DirectoryCacheSize):
                    // too costly for a scrape, and it says nothing an operator acts on.
                    .AddView("orleans-directory-cache-size", MetricStreamConfiguration.Drop);
                foreach (var perCall in PerCallInstrumentsDropped)
                {
                    m.AddView(perCall, MetricStreamConfiguration.Drop);
                }


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
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(double.TryParse(configuration["Analytics:Telemetry:TraceSampleRatio"], System.Globalization.CultureInfo.InvariantCulture, out var ratio) ? ratio : 0.01)))
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>Serves Prometheus at <c>/metrics</c>.</summary>
    public static IApplicationBuilder UseAnalyticsMetrics(this IApplicationBuilder app) => app.UseOpenTelemetryPrometheusScrapingEndpoint();
}
