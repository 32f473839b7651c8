using Analytics.Grains;
using Analytics.Grains.Counters;

namespace Analytics.Frontend.Output;

/// <summary>
/// The <c>meta</c> arrays of a merged time object. Countly unions the <c>meta_v2</c> hashes of the
/// zero documents it reads in <c>_id</c> order — year, then storage shard (the first base64
/// character of md5(value), ASCII order) — and JavaScript enumerates integer-like hash keys first
/// in ascending order. Tie order in the dashboard bars follows these arrays (spec §4.5).
/// Countly's own <c>union</c> reverses already-merged arrays when more than two shards hold a
/// set; the spec asks for plain shard order, which is what this produces.
/// </summary>
internal static class MetaOrder
{
    /// <summary>Countly's metric_limit: on <c>action=refresh</c> a larger set is left out.</summary>
    public const int RefreshLimit = 1000;

    /// <summary>The merged sets of <paramref name="years"/>, by set name (ordinal), empty sets omitted.</summary>
    public static SortedDictionary<string, List<string>> Merge(IEnumerable<CounterSnapshot> years)
    {
        var merged = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var snapshot in years)
        {
            foreach (var (set, values) in snapshot.Meta)
            {
                if (values.Length == 0)
                {
                    continue;
                }

                if (!merged.TryGetValue(set, out var list))
                {
                    merged[set] = list = [];
                    seen[set] = new HashSet<string>(StringComparer.Ordinal);
                }

                var known = seen[set];
                foreach (var value in InShardOrder(values))
                {
                    if (known.Add(value))
                    {
                        list.Add(value);
                    }
                }
            }
        }

        foreach (var list in merged.Values)
        {
            var integers = list.Where(TimeNode.IsArrayIndex).OrderBy(v => ulong.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            if (integers.Count > 0)
            {
                var rest = list.Where(v => !TimeNode.IsArrayIndex(v)).ToList();
                list.Clear();
                list.AddRange(integers);
                list.AddRange(rest);
            }
        }

        return merged;
    }

    /// <summary><paramref name="values"/> (first-seen order) ordered by storage shard, first-seen within a shard.</summary>
    public static IEnumerable<string> InShardOrder(IReadOnlyList<string> values) =>
        values.Select((value, index) => (value, index, shard: CounterLimits.Shard(value)))
            .OrderBy(x => x.shard)
            .ThenBy(x => x.index)
            .Select(x => x.value);
}
