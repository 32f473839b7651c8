using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Analytics.Grains.Codec;

/// <summary>
/// One-shot Brotli (quality 1) of a whole buffer, prefixed with the uncompressed length.
/// Writing through a <c>BrotliStream</c> instead costs a native call per small write, which
/// profiling showed as the largest single cost of the write path.
/// </summary>
public static class Compression
{
    private const int Quality = 1;
    private const int Window = 22;

    /// <summary>Compresses <paramref name="data"/> behind a one-byte version and a 4-byte length.</summary>
    public static byte[] Compress(byte version, ReadOnlySpan<byte> data)
    {
        var max = BrotliEncoder.GetMaxCompressedLength(data.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            if (!BrotliEncoder.TryCompress(data, rented, out var written, Quality, Window))
            {
                throw new InvalidOperationException("Brotli compression failed.");
            }

            var result = new byte[5 + written];
            result[0] = version;
            BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(1), data.Length);
            rented.AsSpan(0, written).CopyTo(result.AsSpan(5));
            return result;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Decompresses what <see cref="Compress"/> made (after its version byte).</summary>
    public static byte[] Decompress(ReadOnlySpan<byte> payload)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(payload[1..]);
        if (length < 0 || length > 64 * 1024 * 1024)
        {
            throw new InvalidDataException("Corrupt compressed payload.");
        }

        var result = new byte[length];
        if (!BrotliDecoder.TryDecompress(payload[5..], result, out var written) || written != length)
        {
            throw new InvalidDataException("Corrupt compressed payload.");
        }

        return result;
    }

    /// <summary>
    /// A reader over a payload of version <paramref name="version"/> (one-shot, made by
    /// <see cref="Compress"/>) or <paramref name="streamVersion"/> (an older payload written
    /// through a <c>BrotliStream</c> behind its version byte).
    /// </summary>
    public static BinaryReader Open(byte[] payload, byte version, byte streamVersion, string what)
    {
        if (payload.Length == 0 || (payload[0] != version && payload[0] != streamVersion))
        {
            throw new InvalidDataException($"Unknown {what} version.");
        }

        return payload[0] == version
            ? new BinaryReader(new MemoryStream(Decompress(payload), writable: false))
            : new BinaryReader(new BrotliStream(new MemoryStream(payload, 1, payload.Length - 1, writable: false), CompressionMode.Decompress));
    }

    /// <summary>Compresses what <paramref name="buffer"/> holds (its written length) behind <paramref name="version"/>.</summary>
    public static byte[] Compress(byte version, MemoryStream buffer) => Compress(version, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
}
