using Analytics.Grains.Codec;

namespace Analytics.Grains.Journal;

/// <summary>Packs the records of one journal segment into one compressed payload, and back.</summary>
public static class SegmentCodec
{
    private const byte StreamVersion = 1;
    private const byte Version = 2;

    /// <summary>Encodes and compresses <paramref name="entries"/>.</summary>
    public static byte[] Encode(IReadOnlyList<JournalEntry> entries)
    {
        using var ms = new MemoryStream(entries.Count * 256);
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write7BitEncodedInt(entries.Count);
            foreach (var e in entries)
            {
                w.Write7BitEncodedInt64(e.Seq);
                w.Write7BitEncodedInt(e.StateBefore.Length);
                w.Write(e.StateBefore);
                RequestCodec.Write(w, e.Request);
            }
        }

        return Compression.Compress(Version, ms);
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
