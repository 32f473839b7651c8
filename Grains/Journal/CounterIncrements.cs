using Analytics.Grains.Domain;

namespace Analytics.Grains.Journal;

/// <summary>The counter increments and meta values one request produced, in order.</summary>
public sealed class CounterIncrements : ICounterSink
{
    /// <summary>One increment.</summary>
    public readonly record struct Item(string Collection, int Year, string Doc, string Path, decimal Value);

    /// <summary>One meta value.</summary>
    public readonly record struct MetaItem(string Collection, int Year, string Set, string Value);

    /// <summary>The increments.</summary>
    public List<Item> Items { get; } = new(32);

    /// <summary>The meta values.</summary>
    public List<MetaItem> MetaItems { get; } = new(8);

    /// <inheritdoc />
    public void Add(string collection, int year, string doc, string path, decimal value) => Items.Add(new Item(collection, year, doc, path, value));

    /// <inheritdoc />
    public void Meta(string collection, int year, string set, string value) => MetaItems.Add(new MetaItem(collection, year, set, value));
}
