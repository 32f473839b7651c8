using System.Text;
using Analytics.Frontend.Accounts;
using Orleans.Dashboard;

namespace Analytics.Silo;

/// <summary>
/// The Orleans dashboard for operators at <c>/orleans-dashboard</c>. It shows grain keys, silos
/// and call statistics (its live log stream is off), so it sits behind HTTP Basic
/// authentication whose password is a global admin's api key (the browser resends it for the
/// dashboard's own API calls).
/// </summary>
public static class OperatorDashboard
{
    /// <summary>The dashboard's path.</summary>
    public const string Path = "/orleans-dashboard";

    /// <summary>Mounts the dashboard behind the admin check.</summary>
    public static WebApplication UseOperatorDashboard(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Analytics:Operator:Dashboard", true))
        {
            return app;
        }

        var accounts = app.Services.GetRequiredService<AccountsCache>();
        // Not an async lambda: every request passes through here, and most only need next().
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Path) && !IsAdmin(context, accounts))
            {
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"Orleans dashboard (password: a global admin api_key)\"";
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UseRouting();
        app.MapOrleansDashboard(Path);
        app.UseEndpoints(_ => { });
        return app;
    }

    private static bool IsAdmin(HttpContext context, AccountsCache accounts)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var password = decoded[(decoded.IndexOf(':') + 1)..];
            return password.Length is > 0 and <= 128 && accounts.MemberByApiKey(password) is { GlobalAdmin: true, Locked: false };
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
