using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Analytics.Grains.Domain;

/// <summary>
/// Recognises a device's share of an <c>/i/bulk</c> re-sent unchanged (an SDK retries a bulk it
/// got no answer for). The fingerprint window remembers the device's last
/// <see cref="DeviceState.FingerprintWindow"/> requests, so a bulk carrying more of them than that
/// would count again all but the last few. Instead the device remembers the bulk's mark and how
/// many of its fingerprinted requests it applied, in order, and a re-sent bulk skips those.
/// </summary>
public static class BulkResend
{
    /// <summary>
    /// The mark of a device's requests of one bulk, in their order: a hash of their fingerprints,
    /// never 0; 0 when no more than <see cref="DeviceState.FingerprintWindow"/> of them have a
    /// fingerprint (the window then recognises them all; requests without one always count).
    /// </summary>
    public static ulong MarkOf(IReadOnlyList<IngestRequest> requests)
    {
        var fingerprinted = 0;
        foreach (var r in requests)
        {
            if (r.Fingerprint != 0)
            {
                fingerprinted++;
            }
        }

        if (fingerprinted <= DeviceState.FingerprintWindow)
        {
            return 0;
        }

        var bytes = new byte[fingerprinted * sizeof(ulong)];
        var at = 0;
        foreach (var r in requests)
        {
            if (r.Fingerprint != 0)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), r.Fingerprint);
                at += sizeof(ulong);
            }
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        var mark = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        return mark == 0 ? 1 : mark;
    }
}
