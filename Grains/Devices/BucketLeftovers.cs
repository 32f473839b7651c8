using System.Collections.Concurrent;

namespace Analytics.Grains.Devices;

/// <summary>
/// Device states a bucket could not write when it was deactivated (storage down or throttling),
/// kept by the silo for the bucket's next activation here. Without them that activation would
/// load older states from storage and give them to devices whose newer states only the journal
/// holds: an acknowledged request re-sent by its SDK would then not be recognised as a duplicate
/// (docs/durability.md, "Known limits" for a bucket re-activated on another silo). Bounded by
/// what the journal holds unwritten, since those states are part of it.
/// </summary>
public sealed class BucketLeftovers
{
    private readonly ConcurrentDictionary<string, Leftover> _left = new(StringComparer.Ordinal);

    /// <summary>How many buckets have left states here.</summary>
    public int Count => _left.Count;

    /// <summary>Keeps what bucket <paramref name="key"/> could not write, merged with anything it left before.</summary>
    public void Leave(string key, IReadOnlyList<(string DeviceId, long Seq, byte[] State)> states, IReadOnlyDictionary<string, long> watermarks) =>
        _left.AddOrUpdate(
            key,
            _ => new Leftover([.. states], new Dictionary<string, long>(watermarks, StringComparer.Ordinal)),
            (_, before) =>
            {
                var merged = new Dictionary<string, long>(before.Watermarks, StringComparer.Ordinal);
                foreach (var (journal, w) in watermarks)
                {
                    merged[journal] = Math.Max(w, merged.GetValueOrDefault(journal));
                }

                return new Leftover([.. before.States, .. states], merged);
            });

    /// <summary>Takes back what bucket <paramref name="key"/> left, if anything.</summary>
    public Leftover? Take(string key) => _left.TryRemove(key, out var left) ? left : null;

    /// <summary>States (newest by sequence number wins when applied) and the journal watermarks they bring the bucket to.</summary>
    public sealed record Leftover(List<(string DeviceId, long Seq, byte[] State)> States, Dictionary<string, long> Watermarks);
}
