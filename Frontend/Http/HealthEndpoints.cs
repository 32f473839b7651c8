using Analytics.Frontend.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Analytics.Frontend.Http;

/// <summary>
/// Probes for orchestrators: <c>/health/live</c> (the process answers; never touches
/// dependencies), <c>/health/startup</c> (has been ready once) and <c>/health/ready</c> (ready
/// now, and not shutting down, so a load balancer stops sending before the silo drains).
/// </summary>
public static class HealthEndpoints
{
    /// <summary>Answers the three probe paths before anything else runs.</summary>
    public static IApplicationBuilder UseHealthEndpoints(this IApplicationBuilder app)
    {
        var readiness = app.ApplicationServices.GetRequiredService<IServerReadiness>();
        var accounts = app.ApplicationServices.GetRequiredService<AccountsCache>();
        var lifetime = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>();
        var startedOnce = false;
        // Not an async lambda: every request passes through here, and most only need next().
        return app.Use((context, next) =>
        {
            var path = context.Request.Path.Value;
            if (path is null || !path.StartsWith("/health/", StringComparison.Ordinal))
            {
                return next(context);
            }

            var ready = readiness.IsReady && accounts.IsFresh;
            startedOnce |= ready;
            bool? healthy = path switch
            {
                "/health/live" => true,
                "/health/startup" => startedOnce,
                "/health/ready" => ready && !lifetime.ApplicationStopping.IsCancellationRequested,
                _ => null,
            };
            if (healthy is null)
            {
                return next(context);
            }

            context.Response.StatusCode = healthy.Value ? 200 : 503;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsync(healthy.Value ? "Healthy" : "Unhealthy", context.RequestAborted);
        });
    }
}
