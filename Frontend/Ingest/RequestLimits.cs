using System.ComponentModel.DataAnnotations;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// Size limits applied while reading the parameters of one request. Countly itself has
/// none (Node reads whatever arrives); they exist so a hostile client cannot make the
/// Frontend buffer or parse unbounded input. The defaults are far above what the Countly
/// SDKs send: the Node and Web SDKs switch to POST at 2,000 URL characters and batch 100
/// events per request by default.
/// </summary>
public sealed record class RequestLimits
{
    /// <summary>The defaults, suitable for <c>/i</c>.</summary>
    public static RequestLimits Default { get; } = new();

    /// <summary>Longest accepted raw query string, in characters after the <c>?</c> (default 32 KiB); longer → 413.</summary>
    [Range(1, int.MaxValue)]
    public int MaxQueryLength { get; init; } = 32 * 1024;

    /// <summary>Largest accepted POST body in bytes (default 1 MiB, at most 1 GiB; <c>/i/bulk</c> may want more); larger → 413.</summary>
    [Range(0, 1 << 30)]
    public int MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Most name/value pairs in the query plus the body together (default 256); more → 400.</summary>
    [Range(1, int.MaxValue)]
    public int MaxParameters { get; init; } = 256;

    /// <summary>Longest parameter name in characters (default 256); longer → 400.</summary>
    [Range(1, int.MaxValue)]
    public int MaxNameLength { get; init; } = 256;

    /// <summary>Longest decoded string value in characters (default 512 Ki characters); longer → 400.</summary>
    [Range(1, int.MaxValue)]
    public int MaxValueLength { get; init; } = 512 * 1024;

    /// <summary>Deepest JSON nesting accepted in a JSON body or a JSON-valued parameter (default 32); deeper JSON counts as malformed.</summary>
    [Range(1, 256)]
    public int MaxJsonDepth { get; init; } = 32;
}
