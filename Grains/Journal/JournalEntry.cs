namespace Analytics.Grains.Journal;

/// <summary>
/// One journaled request: what is written (<see cref="Seq"/>, <see cref="StateBefore"/>,
/// <see cref="Request"/>) and what the live path derived from it, handed on after commit.
/// </summary>
public sealed class JournalEntry
{
    /// <summary>The device's sequence number after this request.</summary>
    public required long Seq { get; init; }

    /// <summary>The device state before the request, encoded.</summary>
    public required byte[] StateBefore { get; init; }

    /// <summary>The normalised request.</summary>
    public required IngestRequest Request { get; init; }

    /// <summary>The device state after the request, encoded (not written; derived again on replay).</summary>
    public byte[]? StateAfter { get; set; }

    /// <summary>The counter increments of the request (not written; derived again on replay).</summary>
    public CounterIncrements? Increments { get; set; }

    private int _estimatedBytes = -1;

    /// <summary>
    /// An upper bound of the encoded size (every string's UTF-8 bytes with its length prefix and
    /// null flag, fixed room for the numbers), for the journal's byte budget and its segment cut: the segments it cuts must stay
    /// far below what a Table transaction and a replay's decompression accept, whatever a client
    /// puts into event keys, segment values and metric values.
    /// </summary>
    public int EstimatedBytes => _estimatedBytes >= 0 ? _estimatedBytes : _estimatedBytes = Estimate(Request, StateBefore.Length);

    /// <summary>
    /// The largest <see cref="EstimatedBytes"/> the journal takes. A segment holding such an entry
    /// holds nothing else, and even incompressible it stays within one Table transaction (4 MiB
    /// with base64); the frontend refuses larger requests with 413 (only crafted ones come near:
    /// thousands of events, or 100 events of 100 segments of the longest values in non-Latin text).
    /// </summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    /// <summary><see cref="EstimatedBytes"/> of <paramref name="r"/> with a device state of <paramref name="stateBytes"/> bytes.</summary>
    public static int Estimate(IngestRequest r, int stateBytes)
    {
        const int Prefix = 5;
        long bytes = 96 + stateBytes + Text(r.AppId) + Text(r.DeviceId) + Text(r.TimeZone) + Text(r.Country) + Text(r.City)
            + Text(r.MergeFrom) + Text(r.MergedInto) + (r.MergedState?.Length ?? 0) + Prefix;
        if (r.Metrics is { } metrics)
        {
            for (var i = 0; i < MetricCatalog.Count; i++)
            {
                bytes += 1 + Text(metrics.Get(i));
            }
        }

        var events = r.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            bytes += 64 + Text(e.Key);
            var segments = e.Segments;
            for (var j = 0; j < segments.Count; j++)
            {
                bytes += Text(segments[j].Key) + Text(segments[j].Value);
            }
        }

        return (int)Math.Min(int.MaxValue, bytes);

        static int Text(string? s) => s is null ? 1 : Prefix + 1 + System.Text.Encoding.UTF8.GetByteCount(s);
    }
}
