using Analytics.Frontend.Accounts;
using Analytics.Frontend.Handlers;
using Analytics.Frontend.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Frontend.Http;

/// <summary>
/// The terminal middleware of the API: Countly's transport rules (spec §0.2: methods, CORS,
/// headers, JSONP, global parameter checks, routing by the first path segments) before any
/// handler runs.
/// </summary>
public sealed partial class CountlyApi(
    WriteHandler write,
    AppsHandler apps,
    UsersHandler users,
    EventsHandler events,
    ReadHandler read,
    IServerReadiness readiness,
    AccountsCache accounts,
    IOptions<FrontendOptions> options,
    ILogger<CountlyApi> logger)
{
    /// <summary>Limits for <c>/i/bulk</c>, whose bodies carry many requests.</summary>
    public static readonly RequestLimits BulkLimits = RequestLimits.Default with { MaxBodyBytes = 16 * 1024 * 1024, MaxValueLength = 16 * 1024 * 1024 };

    private static readonly string[] IngestPath = ["i"];

    // The 24-character ids Countly checks on every path.
    private static readonly string[] IdParameters = ["app_id", "user_id"];

    private readonly KeyValuePair<string, string>[] _headers = [.. options.Value.Headers];

    /// <summary>Serves one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var response = context.Response;
        foreach (var (name, value) in _headers)
        {
            response.Headers[name] = value;
        }

        var method = context.Request.Method;
        if (HttpMethods.IsOptions(method))
        {
            response.Headers.AccessControlAllowOrigin = "*";
            response.Headers.AccessControlAllowMethods = "POST, GET, OPTIONS";
            response.Headers.AccessControlAllowHeaders = "countly-token, Content-Type";
            response.StatusCode = 200;
            return;
        }

        if (!HttpMethods.IsGet(method) && !HttpMethods.IsPost(method))
        {
            await Reply.MessageAsync(context, 405, "Method not allowed");
            return;
        }

        var path = context.Request.Path.Value ?? "/";
        // The SDKs' path, without splitting it for every request.
        var segments = path == "/i" ? IngestPath : path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["o", "ping"])
        {
            var ready = readiness.IsReady && accounts.IsFresh;
            await Reply.MessageAsync(context, ready ? 200 : 503, ready ? "Success" : "Starting");
            return;
        }

        if (!readiness.IsReady || !accounts.IsLoaded)
        {
            response.Headers.RetryAfter = "2";
            await Reply.MessageAsync(context, 503, "Server is starting, retry later");
            return;
        }

        if (segments is ["i", ..] && !accounts.IsFresh)
        {
            // Writes are stamped with the app's reset epoch from the accounts copy, which this
            // process could not refresh lately (it cannot reach the cluster): a request counted
            // under an epoch a reset has ended would be dropped after its 200 (AccountsCache).
            response.Headers.RetryAfter = "5";
            await Reply.MessageAsync(context, 503, "Server is busy, retry later");
            return;
        }

        try
        {
            await ServeAsync(context, segments);
        }
        catch (Exception e) when (IsUnavailable(e) && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnavailable(logger, e, context.Request.Path.Value ?? "");
            if (!response.HasStarted)
            {
                response.Headers.RetryAfter = "5";
                await Reply.MessageAsync(context, 503, "Server is busy, retry later");
            }
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogFailed(logger, e, context.Request.Path.Value ?? "");
            if (!response.HasStarted)
            {
                await Reply.MessageAsync(context, 500, "Internal server error");
            }
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away first (its own timeout while storage stalled, say): nobody
            // to answer, and nothing for the host to log as an unhandled error.
        }
    }

    /// <remarks>
    /// Not async itself: a GET's parameters are read synchronously, and the handler's task is
    /// then handed back as it is, without a state machine of this method's own per request.
    /// </remarks>
    private Task ServeAsync(HttpContext context, string[] segments)
    {
        var isBulk = segments is ["i", "bulk", ..];
        var reading = ParamBag.ReadAsync(context.Request, isBulk ? BulkLimits : RequestLimits.Default, context.RequestAborted);
        return reading.IsCompletedSuccessfully ? Dispatch(context, segments, reading.Result) : ServeAfterReadingAsync(context, segments, reading);
    }

    private async Task ServeAfterReadingAsync(HttpContext context, string[] segments, ValueTask<ParamBagResult> reading) =>
        await Dispatch(context, segments, await reading);

    private Task Dispatch(HttpContext context, string[] segments, ParamBagResult bagResult)
    {
        if (bagResult.Bag is not { } bag)
        {
            return Reply.MessageAsync(context, bagResult.StatusCode, bagResult.Error ?? "Bad request");
        }

        // JSONP only for a plain identifier path; any other callback (empty included: Countly
        // tests it for truth) is not reflected, and the answer is the plain JSON with the same
        // status and content type (spec §0.2).
        var callback = bag.GetString("callback") is { } named && Reply.IsValidCallback(named) ? named : null;

        var api = new ApiContext(context, bag, callback, segments);
        foreach (var idName in IdParameters)
        {
            if (bag.Has(idName) && bag.GetString(idName) is not { Length: 24 })
            {
                return api.MessageAsync(400, $"Invalid parameter \"{idName}\"");
            }
        }

        return segments switch
        {
            ["i"] => write.IngestAsync(api),
            ["i", "bulk"] => write.BulkAsync(api),
            ["i", "apps", ..] => apps.WriteAsync(api),
            ["i", "users", ..] => users.WriteAsync(api),
            ["i", "events", ..] => events.WriteAsync(api),
            ["o", "apps", ..] => apps.ReadAsync(api),
            ["o"] => read.ReadAsync(api),
            ["o", "analytics", ..] => read.AnalyticsAsync(api),
            ["o", "sdk", ..] => read.SdkAsync(api),
            _ => api.MessageAsync(400, "Invalid path"),
        };
    }

    /// <summary>
    /// Failures of the cluster or of storage (timeouts, a grain whose state cannot be loaded
    /// while storage is down): the request may succeed later, so 503 with Retry-After.
    /// </summary>
    private static bool IsUnavailable(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is TimeoutException or Orleans.Runtime.OrleansException or OperationCanceledException
                or Azure.RequestFailedException or HttpRequestException or IOException or System.Net.Sockets.SocketException)
            {
                return true;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(IsUnavailable))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request to {Path} could not be served now")]
    private static partial void LogUnavailable(ILogger logger, Exception e, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request to {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception e, string path);
}
