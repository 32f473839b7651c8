namespace Analytics.Grains;

/// <summary>An immutable copy of some documents and the meta sets of one counter grain.</summary>
[GenerateSerializer, Immutable, Alias("Analytics.CounterSnapshot")]
public sealed record class CounterSnapshot
{
    /// <summary>The empty snapshot.</summary>
    public static readonly CounterSnapshot Empty = new() { Docs = new Dictionary<string, IReadOnlyDictionary<string, decimal>>(), Meta = new Dictionary<string, string[]>() };

    /// <summary>Requested documents that exist: id → (path → value).</summary>
    [Id(0)] public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> Docs { get; init; }
    /// <summary>Meta sets: name → values in first-seen order.</summary>
    [Id(1)] public required IReadOnlyDictionary<string, string[]> Meta { get; init; }
}
