using System.Diagnostics.CodeAnalysis;

namespace Analytics.Frontend.Ingest;

/// <summary>The outcome of <see cref="ParamBag.ReadAsync"/>: the parameters, or the HTTP status and message to answer with.</summary>
/// <param name="Bag">The parameters; null when the request was rejected.</param>
/// <param name="StatusCode">200 when read; 413 when the URL or body is too large; 400 for other limit violations.</param>
/// <param name="Error">Why the request was rejected (a Countly-style <c>result</c> message); null when read.</param>
public readonly record struct ParamBagResult(ParamBag? Bag, int StatusCode, string? Error)
{
    /// <summary>Whether the parameters were read.</summary>
    [MemberNotNullWhen(true, nameof(Bag))]
    public bool Success => Bag is not null;

    /// <summary>A successful read.</summary>
    public static ParamBagResult Ok(ParamBag bag) => new(bag, 200, null);

    /// <summary>A rejected request.</summary>
    public static ParamBagResult Fail(int statusCode, string error) => new(null, statusCode, error);
}
