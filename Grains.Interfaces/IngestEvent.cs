namespace Analytics.Grains;

/// <summary>One custom event after Countly's key, count, sum and segmentation rules.</summary>
[GenerateSerializer, Immutable, Alias("Analytics.IngestEvent")]
public sealed record class IngestEvent
{
    /// <summary>Cleaned event key.</summary>
    [Id(0)] public required string Key { get; init; }
    /// <summary>Count (at least 1).</summary>
    [Id(1)] public long Count { get; init; } = 1;
    /// <summary>Sum rounded to 5 decimals, when given.</summary>
    [Id(2)] public decimal? Sum { get; init; }
    /// <summary>Duration, when given.</summary>
    [Id(3)] public decimal? Dur { get; init; }
    /// <summary>Event time in Unix milliseconds (the event's own timestamp or the request's).</summary>
    [Id(4)] public long Timestamp { get; init; }
    /// <summary>Cleaned segmentation pairs (key, value), in the order sent.</summary>
    [Id(5)] public IReadOnlyList<KeyValuePair<string, string>> Segments { get; init; } = [];
}
