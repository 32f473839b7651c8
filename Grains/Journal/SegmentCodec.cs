using Analytics.Grains.Codec;

namespace Analytics.Grains.Journal;

/// <summary>Packs the records of one journal segment into one compressed payload, and back.</summary>
public static class SegmentCodec
{
    private const byte StreamVersion = 1;
    private const byte Version = 2;

    // Most a thread keeps between segments (a full segment, IngestJournal.MaxSegmentBytes, fits); a larger buffer is dropped after use.
    private const int RetainedBufferBytes = 2 * 1024 * 1024;

    // The uncompressed segment is only an intermediate: one buffer per writing thread, reused,
    // instead of a stream grown from scratch for every segment (about 1.8 KB allocated per
    // record, docs/performance.md, item 23).
    [ThreadStatic]
    private static MemoryStream? t_buffer;

    /// <summary>Encodes and compresses <paramref name="entries"/>.</summary>
    public static byte[] Encode(IReadOnlyList<JournalEntry> entries)
    {
        var ms = t_buffer ?? new MemoryStream(64 * 1024);
        t_buffer = null;
        ms.SetLength(0);
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write7BitEncodedInt(entries.Count);
            for (var i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                w.Write7BitEncodedInt64(e.Seq);
                w.Write7BitEncodedInt(e.StateBefore.Length);
                w.Write(e.StateBefore);
                RequestCodec.Write(w, e.Request);
            }
        }

        var payload = Compression.Compress(Version, ms);
        if (ms.Capacity <= RetainedBufferBytes)
        {
            t_buffer = ms;
        }

        return payload;
    }

    /// <summary>Decodes a payload made by <see cref="Encode"/>; the entries carry no derived data.</summary>
    public static List<JournalEntry> Decode(byte[] payload)
    {
        using var r = Compression.Open(payload, Version, StreamVersion, "journal segment");
        var count = r.Read7BitEncodedInt();
        var result = new List<JournalEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var seq = r.Read7BitEncodedInt64();
            var len = r.Read7BitEncodedInt();
            var state = r.ReadBytes(len);
            var request = RequestCodec.Read(r);
            result.Add(new JournalEntry { Seq = seq, StateBefore = state, Request = request });
        }

        return result;
    }
}
