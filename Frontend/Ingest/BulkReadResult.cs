namespace Analytics.Frontend.Ingest;

/// <summary>The outcome of <see cref="BulkRequests.Read"/>.</summary>
/// <param name="Items">The items to process in order, each as its own parameter bag; empty on error.</param>
/// <param name="Error">The 400 <c>result</c> message when <c>requests</c> is missing or not an array; null otherwise.</param>
public readonly record struct BulkReadResult(IReadOnlyList<ParamBag> Items, string? Error);
