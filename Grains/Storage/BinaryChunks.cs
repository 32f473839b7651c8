using Azure.Data.Tables;

namespace Analytics.Grains.Storage;

/// <summary>
/// Spreads a binary payload over the properties <c>D0</c>..<c>D14</c> of one entity
/// (Azure: at most 64 KiB per binary property, 1 MiB per entity).
/// </summary>
public static class BinaryChunks
{
    /// <summary>Bytes per property.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>Properties per entity.</summary>
    public const int MaxChunks = 15;

    /// <summary>Largest payload one entity holds.</summary>
    public const int MaxPayload = ChunkSize * MaxChunks;

    /// <summary>Writes <paramref name="payload"/> into <paramref name="entity"/>.</summary>
    public static void Write(TableEntity entity, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), $"Payload of {payload.Length} bytes exceeds {MaxPayload}.");
        }

        var chunks = Math.Max(1, (payload.Length + ChunkSize - 1) / ChunkSize);
        for (var i = 0; i < chunks; i++)
        {
            var start = i * ChunkSize;
            var len = Math.Min(ChunkSize, payload.Length - start);
            entity["D" + i] = payload.Slice(start, Math.Max(0, len)).ToArray();
        }

        entity["N"] = chunks;
    }

    /// <summary>Reads the payload written by <see cref="Write"/>.</summary>
    public static byte[] Read(TableEntity entity)
    {
        var chunks = entity.GetInt32("N") ?? 0;
        var parts = new byte[chunks][];
        var total = 0;
        for (var i = 0; i < chunks; i++)
        {
            parts[i] = entity.GetBinary("D" + i) ?? [];
            total += parts[i].Length;
        }

        var result = new byte[total];
        var offset = 0;
        foreach (var p in parts)
        {
            p.CopyTo(result, offset);
            offset += p.Length;
        }

        return result;
    }
}
