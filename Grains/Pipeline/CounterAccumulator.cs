using System.Runtime.InteropServices;

namespace Analytics.Grains.Pipeline;

/// <summary>
/// Pre-aggregated increments and meta values for one counter grain.
/// </summary>
/// <remarks>
/// Keyed by document, then by path, with plain string keys: a dictionary keyed by a
/// <c>(doc, path)</c> tuple hashes both strings with the randomised hash on every increment
/// (about 75 per begin_session), where string-keyed dictionaries use the cheaper non-randomised
/// one (and switch to the randomised one only if collisions pile up). A request's increments
/// come in runs of one document, so the document lookup is skipped while the document is the
/// same instance as the last one (docs/performance.md, item 24).
/// </remarks>
public sealed class CounterAccumulator
{
    private readonly Dictionary<string, Dictionary<string, decimal>> _docs = [];
    private readonly List<(string Set, string Value)> _meta = [];
    private readonly Dictionary<string, HashSet<string>> _metaSeen = [];
    private string? _lastDoc;
    private Dictionary<string, decimal>? _lastPaths;

    /// <summary>Number of distinct counters.</summary>
    public int Count { get; private set; }

    /// <summary>The app reset epoch of the increments held.</summary>
    public int Epoch { get; private set; }

    /// <summary>
    /// Whether increments of requests from app reset epoch <paramref name="epoch"/> belong here:
    /// a later epoch means the app was reset, so what an earlier one left is dropped; an earlier
    /// epoch than the one held is dropped itself.
    /// </summary>
    public bool Admit(int epoch)
    {
        if (epoch < Epoch)
        {
            return false;
        }

        if (epoch > Epoch)
        {
            _docs.Clear();
            _meta.Clear();
            _metaSeen.Clear();
            (_lastDoc, _lastPaths, Count) = (null, null, 0);
            Epoch = epoch;
        }

        return true;
    }

    /// <summary>Adds an increment.</summary>
    public void Add(string doc, string path, decimal value)
    {
        var paths = ReferenceEquals(doc, _lastDoc) ? _lastPaths! : PathsOf(doc);
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(paths, path, out var exists);
        if (!exists)
        {
            Count++;
        }

        slot += value;
    }

    /// <summary>Adds a meta value (first-seen order kept).</summary>
    public void AddMeta(string set, string value)
    {
        ref var seen = ref CollectionsMarshal.GetValueRefOrAddDefault(_metaSeen, set, out _);
        seen ??= [];
        if (seen.Add(value))
        {
            _meta.Add((set, value));
        }
    }

    /// <summary>Adds everything of <paramref name="other"/> (only the later epoch's increments when the two differ).</summary>
    public void Merge(CounterAccumulator other)
    {
        if (!Admit(other.Epoch))
        {
            return;
        }

        foreach (var (doc, paths) in other._docs)
        {
            foreach (var (path, v) in paths)
            {
                Add(doc, path, v);
            }
        }

        foreach (var (set, value) in other._meta)
        {
            AddMeta(set, value);
        }
    }

    /// <summary>The batch message for journal range (<paramref name="from"/>, <paramref name="to"/>].</summary>
    public CounterBatch ToBatch(string journalId, long from, long to)
    {
        var docs = new string[Count];
        var paths = new string[Count];
        var values = new decimal[Count];
        var i = 0;
        foreach (var (doc, byPath) in _docs)
        {
            foreach (var (path, v) in byPath)
            {
                docs[i] = doc;
                paths[i] = path;
                values[i] = v;
                i++;
            }
        }

        var metaSets = new string[_meta.Count];
        var metaValues = new string[_meta.Count];
        for (var m = 0; m < _meta.Count; m++)
        {
            (metaSets[m], metaValues[m]) = _meta[m];
        }

        return new CounterBatch
        {
            JournalId = journalId,
            From = from,
            To = to,
            Docs = docs,
            Paths = paths,
            Values = values,
            MetaSets = metaSets,
            MetaValues = metaValues,
            Epoch = Epoch,
        };
    }

    private Dictionary<string, decimal> PathsOf(string doc)
    {
        ref var paths = ref CollectionsMarshal.GetValueRefOrAddDefault(_docs, doc, out _);
        paths ??= [];
        (_lastDoc, _lastPaths) = (doc, paths);
        return paths;
    }
}
