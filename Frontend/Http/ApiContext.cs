using Analytics.Frontend.Ingest;
using Microsoft.AspNetCore.Http;

namespace Analytics.Frontend.Http;

/// <summary>One API request being served: the HTTP context, the parameter bag and the JSONP callback.</summary>
public sealed class ApiContext(HttpContext http, ParamBag bag, string? callback, string[] segments)
{
    /// <summary>The HTTP context.</summary>
    public HttpContext Http { get; } = http;

    /// <summary>Countly's merged parameters.</summary>
    public ParamBag Params { get; } = bag;

    /// <summary>The validated JSONP callback, or null.</summary>
    public string? Callback { get; } = callback;

    /// <summary>The path segments (<c>/o/analytics/dashboard</c> → <c>o</c>, <c>analytics</c>, <c>dashboard</c>).</summary>
    public string[] Segments { get; } = segments;

    /// <summary>Writes a message response.</summary>
    public Task MessageAsync(int status, string message) => Reply.MessageAsync(Http, status, message, Callback);

    /// <summary>Writes a message response with an extra string field.</summary>
    public Task MessageAsync(int status, string message, string extraName, string extraValue) => Reply.MessageAsync(Http, status, message, extraName, extraValue, Callback);

    /// <summary>Writes <c>{"result":"Success"}</c>.</summary>
    public Task SuccessAsync() => MessageAsync(200, "Success");

    /// <summary>The third path segment (the sub-action), or empty.</summary>
    public string Action => Segments.Length > 2 ? Segments[2] : string.Empty;
}
