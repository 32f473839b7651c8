using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Analytics.Frontend.Pages;

/// <summary>
/// The web dashboard (<c>/dashboard</c>) and the SDK demo page (<c>/demo</c>): static files
/// from the build output's <c>wwwroot</c>, served from the API's own origin so that the
/// pages need no CORS and can run under a strict Content-Security-Policy.
/// </summary>
public static partial class StaticPages
{
    /// <summary>The sites, each a folder of <c>wwwroot</c> served under <c>/{name}/</c>.</summary>
    public static readonly IReadOnlyList<string> Sites = ["dashboard", "demo"];

    /// <summary>
    /// Scripts, styles and requests from our own origin only: no inline script, no eval, no
    /// CDN, and the pages may not be framed (they hold an api key).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The folder the sites are served from: <c>wwwroot</c> next to the assembly, whatever the working directory.</summary>
    public static string DefaultRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>Serves every site found under <paramref name="root"/>; must run before the API's terminal middleware.</summary>
    public static IApplicationBuilder UseStaticPages(this IApplicationBuilder app, string root, ILogger logger)
    {
        foreach (var site in Sites)
        {
            var folder = Path.Combine(root, site);
            if (!File.Exists(Path.Combine(folder, "index.html")))
            {
                LogMissing(logger, site, folder);
                continue;
            }

            var files = new PhysicalFileProvider(folder);
            app.Map("/" + site, branch => Configure(branch, files));
        }

        return app;
    }

    private static void Configure(IApplicationBuilder branch, IFileProvider files)
    {
        branch.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "deny";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });

        // "/dashboard" is redirected to "/dashboard/" so that the pages' relative URLs resolve.
        branch.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        branch.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = CacheControl(file.Context.Request.Path),
        });
        branch.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("Not found");
        });
    }

    // Our own files change with every deployment and carry no version in their names, so the
    // browser revalidates them (a cheap 304 thanks to ETag / Last-Modified); the vendored
    // libraries change only when package-lock.json does, so a day of caching is safe.
    private static string CacheControl(PathString path) =>
        path.StartsWithSegments("/vendor", StringComparison.Ordinal) ? "public, max-age=86400" : "no-cache";

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Site} pages are not served: {Folder} has no index.html (build the Frontend project)")]
    private static partial void LogMissing(ILogger logger, string site, string folder);
}
