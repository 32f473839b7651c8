
namespace Analytics.Grains.Codec;

/// <summary>Compressed binary form of a counter document (path → value) and of a grain's meta row.</summary>
public static class DocCodec
{
    private const byte StreamVersion = 1;
    private const byte Version = 2;

    /// <summary>Encodes a document.</summary>
    public static byte[] EncodeDoc(IReadOnlyDictionary<string, decimal> values)
    {
        using var ms = new MemoryStream(values.Count * 24);
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write7BitEncodedInt(values.Count);
            foreach (var (path, value) in values)
            {
                w.Write(path);
                w.Write(value);
            }
        }

        return Compression.Compress(Version, ms);
    }

    /// <summary>Decodes a document made by <see cref="EncodeDoc"/>.</summary>
    public static Dictionary<string, decimal> DecodeDoc(byte[] data)
    {
        using var r = Reader(data);
        var count = r.Read7BitEncodedInt();
        var result = new Dictionary<string, decimal>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var path = r.ReadString();
            result[path] = r.ReadDecimal();
        }

        return result;
    }

    /// <summary>Encodes a grain's watermarks and meta sets.</summary>
    public static byte[] EncodeMeta(IReadOnlyDictionary<string, (long Segment, long Touched)> watermarks, IReadOnlyDictionary<string, List<string>> meta, IReadOnlyDictionary<string, int> docParts, IReadOnlyDictionary<string, long>? docGenerations = null)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write7BitEncodedInt(watermarks.Count);
            foreach (var (journal, (segment, touched)) in watermarks)
            {
                w.Write(journal);
                w.Write7BitEncodedInt64(segment);
                w.Write7BitEncodedInt64(touched);
            }

            w.Write7BitEncodedInt(meta.Count);
            foreach (var (set, values) in meta)
            {
                w.Write(set);
                w.Write7BitEncodedInt(values.Count);
                foreach (var v in values)
                {
                    w.Write(v);
                }
            }

            w.Write7BitEncodedInt(docParts.Count);
            foreach (var (doc, parts) in docParts)
            {
                w.Write(doc);
                w.Write7BitEncodedInt(parts);
            }

            // Appended last, so rows written before generations existed read as generation 0.
            if (docGenerations is { Count: > 0 })
            {
                w.Write7BitEncodedInt(docGenerations.Count);
                foreach (var (doc, generation) in docGenerations)
                {
                    w.Write(doc);
                    w.Write7BitEncodedInt64(generation);
                }
            }
        }

        return Compression.Compress(Version, ms);
    }

    /// <summary>Decodes what <see cref="EncodeMeta"/> wrote.</summary>
    public static (Dictionary<string, (long Segment, long Touched)> Watermarks, Dictionary<string, List<string>> Meta, Dictionary<string, int> DocParts) DecodeMeta(byte[] data) =>
        DecodeMeta(data, out _);

    /// <summary>Decodes what <see cref="EncodeMeta"/> wrote, with the documents that live in a generation of rows other than 0.</summary>
    public static (Dictionary<string, (long Segment, long Touched)> Watermarks, Dictionary<string, List<string>> Meta, Dictionary<string, int> DocParts) DecodeMeta(byte[] data, out Dictionary<string, long> docGenerations)
    {
        using var r = Reader(data);
        var wmCount = r.Read7BitEncodedInt();
        var wm = new Dictionary<string, (long, long)>(wmCount, StringComparer.Ordinal);
        for (var i = 0; i < wmCount; i++)
        {
            var j = r.ReadString();
            wm[j] = (r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
        }

        var setCount = r.Read7BitEncodedInt();
        var meta = new Dictionary<string, List<string>>(setCount, StringComparer.Ordinal);
        for (var i = 0; i < setCount; i++)
        {
            var set = r.ReadString();
            var n = r.Read7BitEncodedInt();
            var values = new List<string>(n);
            for (var k = 0; k < n; k++)
            {
                values.Add(r.ReadString());
            }

            meta[set] = values;
        }

        var partCount = r.Read7BitEncodedInt();
        var parts = new Dictionary<string, int>(partCount, StringComparer.Ordinal);
        for (var i = 0; i < partCount; i++)
        {
            var doc = r.ReadString();
            parts[doc] = r.Read7BitEncodedInt();
        }

        docGenerations = new Dictionary<string, long>(StringComparer.Ordinal);
        if (r.BaseStream.CanSeek && r.BaseStream.Position < r.BaseStream.Length)
        {
            var genCount = r.Read7BitEncodedInt();
            for (var i = 0; i < genCount; i++)
            {
                var doc = r.ReadString();
                docGenerations[doc] = r.Read7BitEncodedInt64();
            }
        }

        return (wm, meta, parts);
    }

    private static BinaryReader Reader(byte[] data) => Compression.Open(data, Version, StreamVersion, "counter document");
}
