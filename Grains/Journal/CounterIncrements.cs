using System.Buffers;
using Analytics.Grains.Domain;

namespace Analytics.Grains.Journal;

/// <summary>
/// The counter increments and meta values one request produced, in order. Their arrays come
/// from a pool and go back to it once the journal has handed the request on (<see cref="Release"/>):
/// a request's increments live only from its append until its segment is delivered, and were
/// about a tenth of the silo's allocated bytes (docs/performance.md, "Allocations per request").
/// </summary>
public sealed class CounterIncrements : ICounterSink
{
    // Sized for the journal: every request between its append and its segment's delivery holds
    // one array of each (several hundred under load). ArrayPool.Shared keeps only a few dozen
    // per size, so most returns of a delivered segment would be dropped.
    private static readonly ArrayPool<Item> ItemPool = ArrayPool<Item>.Create(maxArrayLength: 1024, maxArraysPerBucket: 1024);
    private static readonly ArrayPool<MetaItem> MetaPool = ArrayPool<MetaItem>.Create(maxArrayLength: 1024, maxArraysPerBucket: 1024);

    private Item[] _items;
    private int _count;
    private MetaItem[] _meta;
    private int _metaCount;

    /// <summary>One increment.</summary>
    public readonly record struct Item(string Collection, int Year, string Doc, string Path, decimal Value);

    /// <summary>One meta value.</summary>
    public readonly record struct MetaItem(string Collection, int Year, string Set, string Value);

    /// <summary>Increments with room for <paramref name="capacity"/> items (see <see cref="CapacityFor"/>).</summary>
    public CounterIncrements(int capacity = 32)
    {
        _items = ItemPool.Rent(Math.Max(capacity, 1));
        _meta = MetaPool.Rent(8);
    }

    /// <summary>The increments.</summary>
    public ReadOnlySpan<Item> Items => _items.AsSpan(0, _count);

    /// <summary>The meta values.</summary>
    public ReadOnlySpan<MetaItem> MetaItems => _meta.AsSpan(0, _metaCount);

    /// <summary>
    /// About how many increments the session rules write for <paramref name="request"/>, a little
    /// more rather than less: a begin_session with metrics writes about 75 (users, metric and
    /// location collections at day, hour and zero-document levels), an event at most 6 plus 3
    /// per segment (<c>c</c>, <c>s</c> and <c>dur</c> at day and hour level and per segment
    /// value), anything else a few. Sized up front, the array is rented once.
    /// </summary>
    public static int CapacityFor(IngestRequest request)
    {
        var capacity = request.BeginSession ? 96 : 12;
        var events = request.Events;
        for (var i = 0; i < events.Count; i++)
        {
            capacity += 6 + (3 * events[i].Segments.Count);
        }

        return capacity;
    }

    /// <inheritdoc />
    public void Add(string collection, int year, string doc, string path, decimal value)
    {
        if (_count == _items.Length)
        {
            _items = Grow(ItemPool, _items, _count);
        }

        _items[_count++] = new Item(collection, year, doc, path, value);
    }

    /// <inheritdoc />
    public void Meta(string collection, int year, string set, string value)
    {
        if (_metaCount == _meta.Length)
        {
            _meta = Grow(MetaPool, _meta, _metaCount);
        }

        _meta[_metaCount++] = new MetaItem(collection, year, set, value);
    }

    /// <summary>
    /// Gives the arrays back to the pool; the increments read as empty afterwards. Only for the
    /// last reader: the journal calls it once every consumer has routed the delivered segment.
    /// </summary>
    public void Release()
    {
        // Only the used part holds references to clear.
        Array.Clear(_items, 0, _count);
        Array.Clear(_meta, 0, _metaCount);
        var (items, meta) = (_items, _meta);
        (_items, _count, _meta, _metaCount) = ([], 0, [], 0);
        if (items.Length > 0)
        {
            ItemPool.Return(items);
        }

        if (meta.Length > 0)
        {
            MetaPool.Return(meta);
        }
    }

    private static T[] Grow<T>(ArrayPool<T> pool, T[] array, int count)
    {
        var bigger = pool.Rent(Math.Max(count * 2, 16));
        array.AsSpan(0, count).CopyTo(bigger);
        if (array.Length > 0)
        {
            pool.Return(array, clearArray: true);
        }

        return bigger;
    }
}
