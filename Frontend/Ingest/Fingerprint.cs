using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// The duplicate-request fingerprint (spec §1.12). Countly hashes the raw query (+ body) and
/// appends the <c>timestamp</c> parameter, so only an SDK re-sending the same request with the
/// same explicit timestamp is suppressed. We hash the parameters instead of the raw text, so
/// the same request re-sent as GET or POST, or with its parameters in another order, matches too.
/// </summary>
public static class Fingerprint
{
    /// <summary>
    /// 0 when the request has no truthy <c>timestamp</c> (Countly then uses the server's ms
    /// time, so no two requests ever match); otherwise the first 8 bytes of SHA-256 over the
    /// (name, value) pairs sorted by name, leaving out <c>rr</c> (the Web SDK's queue length,
    /// which changes between retries), <c>checksum</c> and <c>checksum256</c>. Never 0 then.
    /// </summary>
    public static ulong Of(ParamBag bag)
    {
        if (!bag.IsTruthy("timestamp"))
        {
            return 0;
        }

        var values = bag.Values;
        var names = ArrayPool<string>.Shared.Rent(values.Count);
        var texts = ArrayPool<string>.Shared.Rent(values.Count);
        byte[]? buffer = null;
        try
        {
            var n = 0;
            foreach (var name in values.Keys)
            {
                if (name is not ("rr" or "checksum" or "checksum256"))
                {
                    names[n++] = name;
                }
            }

            // A static method group: its delegate is cached, where Array.Sort with a comparer allocates one per call.
            names.AsSpan(0, n).Sort(string.CompareOrdinal);
            var size = 0;
            for (var i = 0; i < n; i++)
            {
                texts[i] = ParamBag.CanonicalText(values[names[i]]);
                size += 8 + Encoding.UTF8.GetByteCount(names[i]) + Encoding.UTF8.GetByteCount(texts[i]);
            }

            // Length-prefixed fields: no separator character can make two different bags collide.
            buffer = ArrayPool<byte>.Shared.Rent(size);
            var at = 0;
            for (var i = 0; i < n; i++)
            {
                at += WriteField(buffer.AsSpan(at), names[i]);
                at += WriteField(buffer.AsSpan(at), texts[i]);
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, at), hash);
            var fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(hash);
            return fingerprint == 0 ? 1 : fingerprint;
        }
        finally
        {
            ArrayPool<string>.Shared.Return(names, clearArray: true);
            ArrayPool<string>.Shared.Return(texts, clearArray: true);
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static int WriteField(Span<byte> destination, string text)
    {
        var length = Encoding.UTF8.GetBytes(text, destination[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination, length);
        return 4 + length;
    }
}
