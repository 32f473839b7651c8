using Analytics.Grains.Domain;

namespace Analytics.Grains.Journal;

/// <summary>The counter increments and meta values one request produced, in order.</summary>
public sealed class CounterIncrements : ICounterSink
{
    /// <summary>One increment.</summary>
    public readonly record struct Item(string Collection, int Year, string Doc, string Path, decimal Value);

    /// <summary>One meta value.</summary>
    public readonly record struct MetaItem(string Collection, int Year, string Set, string Value);

    /// <summary>Increments with room for <paramref name="capacity"/> items (see <see cref="CapacityFor"/>).</summary>
    public CounterIncrements(int capacity = 32)
    {
        Items = new List<Item>(capacity);
    }

    /// <summary>The increments.</summary>
    public List<Item> Items { get; }

    /// <summary>The meta values.</summary>
    public List<MetaItem> MetaItems { get; } = new(8);

    /// <summary>
    /// About how many increments the session rules write for <paramref name="request"/>, a little
    /// more rather than less: a begin_session with metrics writes about 75 (users, metric and
    /// location collections at day, hour and zero-document levels), an event at most 6 plus 3
    /// per segment (<c>c</c>, <c>s</c> and <c>dur</c> at day and hour level and per segment
    /// value), anything else a few. Sized up front, the list is allocated once; grown from a
    /// fixed 32 it took 1.5 + 3 + 6 KB for a begin (the allocation census of
    /// docs/performance.md: these arrays were 10 % of the silo's allocated bytes).
    /// </summary>
    public static int CapacityFor(IngestRequest request)
    {
        var capacity = request.BeginSession ? 96 : 12;
        foreach (var e in request.Events)
        {
            capacity += 6 + (3 * e.Segments.Count);
        }

        return capacity;
    }

    /// <inheritdoc />
    public void Add(string collection, int year, string doc, string path, decimal value) => Items.Add(new Item(collection, year, doc, path, value));

    /// <inheritdoc />
    public void Meta(string collection, int year, string set, string value) => MetaItems.Add(new MetaItem(collection, year, set, value));
}
