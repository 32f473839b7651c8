using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Tests.Output;

/// <summary>
/// An <see cref="ICounterSink"/> that folds increments into per-(collection, year) documents and
/// meta sets the way a counter grain does, so tests read real <see cref="SessionRules"/> output.
/// </summary>
internal sealed class CollectingSink : ICounterSink
{
    private readonly Dictionary<(string Collection, int Year), Dictionary<string, Dictionary<string, decimal>>> _docs = [];
    private readonly Dictionary<(string Collection, int Year), Dictionary<string, List<string>>> _meta = [];

    public void Add(string collection, int year, string doc, string path, decimal value)
    {
        if (!_docs.TryGetValue((collection, year), out var docs))
        {
            _docs[(collection, year)] = docs = new Dictionary<string, Dictionary<string, decimal>>(StringComparer.Ordinal);
        }

        if (!docs.TryGetValue(doc, out var paths))
        {
            docs[doc] = paths = new Dictionary<string, decimal>(StringComparer.Ordinal);
        }

        paths[path] = paths.GetValueOrDefault(path) + value;
    }

    public void Meta(string collection, int year, string set, string value)
    {
        if (!_meta.TryGetValue((collection, year), out var sets))
        {
            _meta[(collection, year)] = sets = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        }

        if (!sets.TryGetValue(set, out var values))
        {
            sets[set] = values = [];
        }

        if (!values.Contains(value))
        {
            values.Add(value);
        }
    }

    /// <summary>The snapshots of every year of <paramref name="collection"/>, all documents included.</summary>
    public IReadOnlyList<(int Year, CounterSnapshot Snapshot)> Snapshots(string collection) =>
        _docs.Keys.Concat(_meta.Keys)
            .Where(k => k.Collection == collection)
            .Select(k => k.Year)
            .Distinct()
            .Order()
            .Select(year => (year, Snapshot(collection, year)))
            .ToList();

    private CounterSnapshot Snapshot(string collection, int year) => new()
    {
        Docs = _docs.TryGetValue((collection, year), out var docs)
            ? docs.ToDictionary(d => d.Key, d => (IReadOnlyDictionary<string, decimal>)new Dictionary<string, decimal>(d.Value), StringComparer.Ordinal)
            : new Dictionary<string, IReadOnlyDictionary<string, decimal>>(),
        Meta = _meta.TryGetValue((collection, year), out var sets)
            ? sets.ToDictionary(s => s.Key, s => s.Value.ToArray(), StringComparer.Ordinal)
            : new Dictionary<string, string[]>(),
    };
}
