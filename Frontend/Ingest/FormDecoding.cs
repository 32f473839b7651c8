using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// Decodes one <c>application/x-www-form-urlencoded</c> name or value the way Node's
/// <c>querystring.unescape</c> does (which Countly uses for the query and form bodies):
/// <c>+</c> is a space, valid <c>%XX</c> escapes become bytes, malformed escapes stay
/// literal, and the bytes are read as UTF-8 with U+FFFD for invalid sequences. Never throws.
/// </summary>
internal static class FormDecoding
{
    // The parameter names the SDKs send on every request and the API reads: a name spelled
    // without escapes comes back as one of these instances instead of a new string per request
    // (about 15 per /i request; docs/performance.md, "Allocations per request").
    private static readonly FrozenDictionary<string, string> KnownNames = new[]
    {
        "app_key", "device_id", "sdk_name", "sdk_version", "t", "timestamp", "hour", "dow", "tz",
        "events", "metrics", "begin_session", "end_session", "session_duration", "ignore_cooldown",
        "checksum", "checksum256", "rr", "av", "ip_address", "location", "country_code", "city",
        "user_details", "consent", "crash", "apm", "old_device_id", "method", "api_key", "app_id",
        "period", "callback", "action", "event", "auth_token", "requests",
    }.ToFrozenDictionary(n => n, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KnownNameLookup =
        KnownNames.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The decoded text of parameter name <paramref name="encoded"/>: a shared instance for the common names.</summary>
    public static string DecodeName(ReadOnlySpan<char> encoded) =>
        KnownNameLookup.TryGetValue(encoded, out var known) ? known : Decode(encoded);

    /// <summary>The decoded text of <paramref name="encoded"/>.</summary>
    public static string Decode(ReadOnlySpan<char> encoded)
    {
        if (encoded.IndexOfAny('%', '+') < 0)
        {
            // Most names and many values need no decoding at all.
            return new string(encoded);
        }

        // Worst case: every char is a BMP char outside ASCII (3 UTF-8 bytes).
        var rented = ArrayPool<byte>.Shared.Rent(encoded.Length * 3);
        try
        {
            var bytes = rented.AsSpan();
            var n = 0;
            for (var i = 0; i < encoded.Length; i++)
            {
                var c = encoded[i];
                if (c == '+')
                {
                    bytes[n++] = (byte)' ';
                }
                else if (c == '%' && i + 2 < encoded.Length && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]))
                {
                    bytes[n++] = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                    i += 2;
                }
                else if (c < 0x80)
                {
                    bytes[n++] = (byte)c;
                }
                else if (char.IsHighSurrogate(c) && i + 1 < encoded.Length && char.IsLowSurrogate(encoded[i + 1]))
                {
                    n += new Rune(c, encoded[i + 1]).EncodeToUtf8(bytes[n..]);
                    i++;
                }
                else
                {
                    // A lone surrogate has no UTF-8 form; Node writes U+FFFD for it.
                    var rune = Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar;
                    n += rune.EncodeToUtf8(bytes[n..]);
                }
            }

            return Encoding.UTF8.GetString(bytes[..n]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
