using Analytics.Frontend.Accounts;
using Analytics.Frontend.Events;
using Analytics.Frontend.Geo;
using Analytics.Frontend.Handlers;
using Analytics.Frontend.Http;
using Analytics.Frontend.Ingest;
using Analytics.Frontend.Pages;
using Analytics.Grains;
using Analytics.Grains.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Frontend;

/// <summary>Wires the Countly-compatible HTTP API into an ASP.NET Core app (co-hosted in a silo or as an Orleans client).</summary>
public static class FrontendExtensions
{
    /// <summary>Registers the Frontend's services; an <see cref="IGrainFactory"/> and an <see cref="IServerReadiness"/> must be registered too.</summary>
    public static IServiceCollection AddAnalyticsFrontend(this IServiceCollection services, IConfiguration configuration)
    {
        // A trusted-proxy entry that is neither an address nor a range would silently trust
        // nobody (and locate every device at the proxy): refuse to start instead.
        services.AddOptions<FrontendOptions>().Bind(configuration.GetSection(FrontendOptions.Section))
            .Validate(o => o.TrustedProxies.All(Geo.ClientAddress.IsValid), "Analytics:Frontend:TrustedProxies: every entry must be an IP address or a CIDR range such as 10.244.0.0/16")
            .ValidateOnStart();

        // Kestrel refuses request lines over 8 KiB with a bare 414 before the API sees them;
        // Node (Countly) takes 16 KiB, and the API itself answers a query over its own limit
        // with a Countly-shaped 413, so let request lines through up to that limit.
        // No "Server: Kestrel" header: Countly sends none, and it only tells a scanner what runs here.
        services.Configure<KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestLineSize = Math.Max(o.Limits.MaxRequestLineSize, RequestLimits.Default.MaxQueryLength + (8 * 1024));
            o.AddServerHeader = false;
        });
        services.AddSingleton<AccountsCache>();
        services.AddHostedService(sp => sp.GetRequiredService<AccountsCache>());
        services.AddSingleton<GeoLocator>();
        services.TryAddSingleton(typeof(GrainRefs<>));
        services.AddSingleton<RemoteJournalWaits>();
        services.AddSingleton<WriteHandler>();
        services.AddSingleton<AppsHandler>();
        services.AddSingleton<UsersHandler>();
        services.AddSingleton<ReadHandler>();
        services.AddSingleton<EventsHandler>();
        services.AddSingleton<EventsReader>();
        services.AddSingleton<CounterReader>();
        services.AddSingleton<LiveReader>();
        services.AddSingleton<EventGate>();
        services.AddSingleton<AppRateLimiter>();
        services.AddSingleton<CountlyApi>();
        return services;
    }

    /// <summary>
    /// Sends the SDKs' write paths (<c>/i</c>, <c>/i/bulk</c>) straight to the API, past every
    /// middleware registered after this one (probes, metrics, static pages, the operator
    /// dashboard's routing), none of which serves those paths. Call it first.
    /// </summary>
    public static WebApplication UseIngestFastPath(this WebApplication app)
    {
        var api = app.Services.GetRequiredService<CountlyApi>();
        // Not an async lambda: every request passes through here.
        app.Use((context, next) => IsIngestPath(context.Request.Path.Value) ? api.InvokeAsync(context) : next(context));
        return app;
    }

    /// <summary>Whether <paramref name="path"/> is one of the SDKs' write paths.</summary>
    private static bool IsIngestPath(string? path) => path is "/i" or "/i/bulk";

    /// <summary>Serves the dashboard and demo pages, then the API (every path not taken by an earlier middleware).</summary>
    public static WebApplication UseAnalyticsFrontend(this WebApplication app)
    {
        app.UseHealthEndpoints();
        app.UseAnalyticsMetrics();
        app.UseStaticPages(StaticPages.DefaultRoot, app.Logger);
        var api = app.Services.GetRequiredService<CountlyApi>();
        app.Run(api.InvokeAsync);
        return app;
    }
}
