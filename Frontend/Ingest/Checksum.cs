using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// Countly's request signature check for apps with a salt (spec §1.11,
/// <c>validateAppForWriteAPI</c>): <c>UPPER(hex(sha(payload + salt)))</c> must equal the
/// sent <c>checksum</c> (SHA-1) or <c>checksum256</c> (SHA-256), where a payload is the raw
/// query string or, for POST, the raw body, with the checksum parameter itself removed.
/// The Node SDK appends <c>&amp;checksum256=sha256_hex(query + salt)</c> last, which is exactly
/// the query with that parameter removed.
/// </summary>
public static class Checksum
{
    /// <summary>Countly's answer (HTTP 200) when a salted app's request carries no checksum.</summary>
    public const string MissingMessage = "Request does not have checksum";

    /// <summary>Countly's answer (HTTP 200) when the checksum does not match (both hash kinds).</summary>
    public const string MismatchMessage = "Request does not match checksum";

    /// <summary>The <c>result</c> message for <paramref name="result"/>, or null for <see cref="ChecksumResult.Valid"/>.</summary>
    public static string? MessageOf(ChecksumResult result) => result switch
    {
        ChecksumResult.Missing => MissingMessage,
        ChecksumResult.Mismatch => MismatchMessage,
        _ => null,
    };

    /// <summary>
    /// Verifies a request against the app's <paramref name="salt"/> (empty salt: no check).
    /// <paramref name="checksum"/> wins over <paramref name="checksum256"/> when both are
    /// present, as in Countly; pass the decoded parameter values (null when absent) and, for
    /// POST, the raw body. Comparison is constant-time per candidate and every candidate is checked.
    /// </summary>
    public static ChecksumResult Verify(string salt, string rawQuery, string? rawBody, string? checksum, string? checksum256)
    {
        if (string.IsNullOrEmpty(salt))
        {
            return ChecksumResult.Valid;
        }

        bool sha1;
        string name, sent;
        if (checksum is not null)
        {
            (sha1, name, sent) = (true, "checksum", checksum);
        }
        else if (checksum256 is not null)
        {
            (sha1, name, sent) = (false, "checksum256", checksum256);
        }
        else
        {
            return ChecksumResult.Missing;
        }

        var hashLength = sha1 ? SHA1.HashSizeInBytes : SHA256.HashSizeInBytes;
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        expected = expected[..hashLength];
        if (sent.Length != hashLength * 2 || Convert.FromHexString(sent, expected, out _, out var written) != OperationStatus.Done || written != hashLength)
        {
            return ChecksumResult.Mismatch; // not even a hash of the right kind
        }

        // The signed payload must carry every parameter: parameters of the query and the body are
        // merged into one bag (the query's winning), so a signed body with extra parameters in an
        // unsigned query (or the other way round) would let anyone who saw one signed request
        // write anything. Countly accepts that; the SDKs never send it.
        var queryMatches = Matches(rawQuery, name, sent, salt, sha1, expected) && !HasParameters(rawBody);
        var bodyMatches = rawBody is not null && Matches(rawBody, name, sent, salt, sha1, expected) && !HasParameters(rawQuery);
        return queryMatches || bodyMatches ? ChecksumResult.Valid : ChecksumResult.Mismatch;
    }

    /// <summary>Whether a raw query or form body holds any parameter besides the checksums.</summary>
    private static bool HasParameters(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return false;
        }

        if (raw.TrimStart().StartsWith('{'))
        {
            return true;
        }

        foreach (var part in raw.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            if (key is not ("checksum" or "checksum256"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a payload derived from <paramref name="candidate"/> hashes to <paramref name="expected"/>.</summary>
    private static bool Matches(string candidate, string name, string sent, string salt, bool sha1, ReadOnlySpan<byte> expected)
    {
        var parameter = string.Concat(name, "=", sent);

        // Countly: replace("&name=value", "") then replace("name=value", ""), first occurrence each.
        var payload = RemoveFirst(RemoveFirst(candidate, "&" + parameter), parameter);
        var match = HashEquals(payload, salt, sha1, expected);

        // A parameter sent first leaves Countly's payload starting with "&"; a client that
        // signed the rest of the query without it is accepted too.
        if (candidate.StartsWith(parameter + "&", StringComparison.Ordinal))
        {
            match |= HashEquals(RemoveFirst(candidate[(parameter.Length + 1)..], "&" + parameter), salt, sha1, expected);
        }

        return match;
    }

    private static string RemoveFirst(string text, string value)
    {
        var index = text.IndexOf(value, StringComparison.Ordinal);
        return index < 0 ? text : string.Concat(text.AsSpan(0, index), text.AsSpan(index + value.Length));
    }

    private static bool HashEquals(string payload, string salt, bool sha1, ReadOnlySpan<byte> expected)
    {
        // Node's hash.update(string) hashes the UTF-8 bytes.
        var byteCount = Encoding.UTF8.GetByteCount(payload) + Encoding.UTF8.GetByteCount(salt);
        var rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var length = Encoding.UTF8.GetBytes(payload, rented);
            length += Encoding.UTF8.GetBytes(salt, rented.AsSpan(length));
            Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
            var hashLength = sha1 ? SHA1.HashData(rented.AsSpan(0, length), actual) : SHA256.HashData(rented.AsSpan(0, length), actual);
            return CryptographicOperations.FixedTimeEquals(actual[..hashLength], expected);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
