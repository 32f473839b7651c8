using System.Text.Json.Nodes;

namespace Analytics.Frontend.Output;

/// <summary>
/// One object of a time object while it is being merged: numbers and child objects by key, in
/// insertion order. Time buckets (year, week, month, day, hour) are written in a fixed readable
/// order; other objects (countries, metric and segment values, <c>f</c>/<c>ds</c> buckets) in
/// JavaScript's own key order (integer-like keys ascending first, then insertion order), which is
/// what a JavaScript client sees after parsing either way.
/// </summary>
internal sealed class TimeNode(bool isBucket)
{
    // Scalars first in this order at bucket level: the summed props, then the uniques.
    private static readonly string[] ScalarOrder = ["t", "n", "e", "d", "u", "c", "s", "dur"];
    private static readonly string[] RangeObjects = ["f", "ds", "l"];

    // Values are boxed decimals or TimeNodes; Dictionary keeps insertion order as nothing is removed.
    private readonly Dictionary<string, object> _entries = new(StringComparer.Ordinal);

    /// <summary>The child object <paramref name="key"/>, created when missing (replacing a number of the same key).</summary>
    public TimeNode Child(string key, bool bucket)
    {
        if (_entries.TryGetValue(key, out var existing) && existing is TimeNode node)
        {
            return node;
        }

        node = new TimeNode(bucket);
        _entries[key] = node;
        return node;
    }

    /// <summary>Adds <paramref name="value"/> to number <paramref name="key"/>; ignored when <paramref name="key"/> is an object.</summary>
    public void Add(string key, decimal value)
    {
        if (!_entries.TryGetValue(key, out var existing))
        {
            _entries[key] = value;
        }
        else if (existing is decimal sum)
        {
            _entries[key] = sum + value;
        }
    }

    /// <summary>The JSON object of this node.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var entry in OrderedEntries())
        {
            json[entry.Key] = entry.Value switch
            {
                TimeNode node => node.ToJson(),
                decimal value => JsonValue.Create(value),
                _ => null,
            };
        }

        return json;
    }

    // An array sort rather than LINQ's OrderBy/ThenBy, which was half of this method's cost in a
    // dashboard read (docs/performance.md); the insertion index breaks ties, so it is stable too.
    private Ranked[] OrderedEntries()
    {
        var ranked = new Ranked[_entries.Count];
        var index = 0;
        foreach (var (key, value) in _entries)
        {
            var (group, within) = Rank(key, value, index);
            ranked[index] = new Ranked(group, within, index, key, value);
            index++;
        }

        Array.Sort(ranked, static (a, b) =>
            a.Group != b.Group ? a.Group.CompareTo(b.Group)
            : a.Within != b.Within ? a.Within.CompareTo(b.Within)
            : a.Index.CompareTo(b.Index));
        return ranked;
    }

    private readonly record struct Ranked(int Group, long Within, int Index, string Key, object Value);

    private (int Group, long Within) Rank(string key, object value, int index)
    {
        if (IsArrayIndex(key))
        {
            // Integer keys: first in plain objects (JavaScript order), last in buckets (months, days, hours).
            return (isBucket ? 6 : 0, long.Parse(key, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (!isBucket)
        {
            return (1, index);
        }

        if (value is decimal)
        {
            var fixedAt = Array.IndexOf(ScalarOrder, key);
            return fixedAt >= 0 ? (1, fixedAt) : (2, index);
        }

        var rangeAt = Array.IndexOf(RangeObjects, key);
        if (rangeAt >= 0)
        {
            return (3, rangeAt);
        }

        return IsWeek(key) ? (5, long.Parse(key.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)) : (4, index);
    }

    /// <summary>Whether <paramref name="key"/> is a JavaScript array index ("0", "15", not "015"), which JavaScript enumerates first.</summary>
    internal static bool IsArrayIndex(string key)
    {
        if (key.Length == 0 || key.Length > 10 || (key.Length > 1 && key[0] == '0'))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return ulong.Parse(key, System.Globalization.CultureInfo.InvariantCulture) < uint.MaxValue;
    }

    /// <summary>Whether <paramref name="key"/> is a week bucket key (<c>w1</c>..<c>w53</c>).</summary>
    internal static bool IsWeek(string key)
    {
        if (key.Length < 2 || key.Length > 3 || key[0] != 'w')
        {
            return false;
        }

        for (var i = 1; i < key.Length; i++)
        {
            if (key[i] is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
