namespace Analytics.Grains.Pipeline;

/// <summary>Pre-aggregated increments and meta values for one counter grain.</summary>
public sealed class CounterAccumulator
{
    private readonly Dictionary<(string Doc, string Path), decimal> _values = [];
    private readonly List<(string Set, string Value)> _meta = [];
    private readonly HashSet<(string Set, string Value)> _metaSeen = [];

    /// <summary>Number of distinct counters.</summary>
    public int Count => _values.Count;

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
            _values.Clear();
            _meta.Clear();
            _metaSeen.Clear();
            Epoch = epoch;
        }

        return true;
    }

    /// <summary>Adds an increment.</summary>
    public void Add(string doc, string path, decimal value)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_values, (doc, path), out _);
        slot += value;
    }

    /// <summary>Adds a meta value (first-seen order kept).</summary>
    public void AddMeta(string set, string value)
    {
        if (_metaSeen.Add((set, value)))
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

        foreach (var ((doc, path), v) in other._values)
        {
            Add(doc, path, v);
        }

        foreach (var (set, value) in other._meta)
        {
            AddMeta(set, value);
        }
    }

    /// <summary>The batch message for journal range (<paramref name="from"/>, <paramref name="to"/>].</summary>
    public CounterBatch ToBatch(string journalId, long from, long to)
    {
        var docs = new string[_values.Count];
        var paths = new string[_values.Count];
        var values = new decimal[_values.Count];
        var i = 0;
        foreach (var ((doc, path), v) in _values)
        {
            docs[i] = doc;
            paths[i] = path;
            values[i] = v;
            i++;
        }

        return new CounterBatch
        {
            JournalId = journalId,
            From = from,
            To = to,
            Docs = docs,
            Paths = paths,
            Values = values,
            MetaSets = _meta.Select(m => m.Set).ToArray(),
            MetaValues = _meta.Select(m => m.Value).ToArray(),
            Epoch = Epoch,
        };
    }
}
