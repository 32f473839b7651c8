using System.Text;

namespace Analytics.Grains.Storage;

/// <summary>
/// Makes arbitrary strings (device ids, event keys) safe as Table Storage keys: letters,
/// digits and <c>-_.:</c> pass through, every other UTF-8 byte becomes <c>~XX</c>. The
/// encoding is reversible and keeps distinct inputs distinct. A key whose encoding would be
/// longer than <see cref="MaxBytewise"/> characters (Azurite refuses keys past 512; a
/// 127-character event key in Chinese took 1,143) keeps a readable ASCII start in that form
/// and carries the rest after <c>~~</c> with its characters from U+00A0 on as they are (keys
/// may hold them), unsafe ASCII as <c>~XX</c> and anything else (controls, surrogates, private
/// use, lone surrogates) as <c>~uXXXX</c>: never longer than the bytewise form, a ninth of it for Chinese, still
/// reversible and still sorted under its app's prefix. Keys that fit keep the form they always had.
/// </summary>
public static class KeyEncoding
{
    /// <summary>The longest encoding kept byte by byte; longer ones take the compact form.</summary>
    public const int MaxBytewise = 500;

    private const string CompactMark = "~~";
    // Neither form below can contain it: the bytewise form never has "~~", and in the compact
    // tail a '~' is always followed by a hex digit or 'u'.
    private const string HashMark = "~~~h";
    private const int MaxReadablePrefix = 64;

    /// <summary>Encodes <paramref name="value"/>.</summary>
    public static string Encode(string value)
    {
        var bytewise = Bytewise(value);
        if (bytewise.Length <= MaxBytewise)
        {
            return bytewise;
        }

        // The ASCII start (an app id, a year, a collection) stays as it was, up to a bound.
        var ascii = 0;
        var cost = 0;
        while (ascii < value.Length && value[ascii] < 128 && cost < MaxReadablePrefix)
        {
            cost += IsSafe(value[ascii]) ? 1 : 3;
            ascii++;
        }

        var sb = new StringBuilder(Bytewise(value[..ascii]), value.Length + 16).Append(CompactMark);
        for (var i = ascii; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                // A whole character beyond the BMP (an emoji) is as valid in a key as any other.
                sb.Append(c).Append(value[i + 1]);
                i++;
            }
            else if (c < 128)
            {
                if (IsSafe(c))
                {
                    sb.Append(c);
                }
                else
                {
                    sb.Append('~').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else if (c >= '\u00A0' && !char.IsSurrogate(c) && c is not (>= '\uE000' and <= '\uF8FF') and not (>= '\uFFF0'))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append("~u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (sb.Length <= MaxBytewise)
        {
            return sb.ToString();
        }

        // Still too long: a tail made mostly of characters escaped as ~uXXXX (controls, private
        // use, lone surrogates), which no SDK sends. Such a key is kept apart by a hash of the
        // whole value instead; it cannot be decoded (IsHashed).
        return string.Concat(Bytewise(value[..ascii]), HashMark, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(value))));
    }

    /// <summary>Whether <paramref name="encoded"/> is the hashed form of a key too long to encode reversibly (<see cref="Decode"/> cannot restore it).</summary>
    public static bool IsHashed(string encoded) => encoded.Contains(HashMark, StringComparison.Ordinal);

    private static string Bytewise(string value)
    {
        var safe = true;
        foreach (var c in value)
        {
            if (!IsSafe(c))
            {
                safe = false;
                break;
            }
        }

        if (safe)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 128 && IsSafe(c))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('~').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>Decodes a value made by <see cref="Encode"/> (a hashed one, <see cref="IsHashed"/>, comes back as it is).</summary>
    public static string Decode(string value)
    {
        if (IsHashed(value))
        {
            return value;
        }

        // "~~" never occurs in the bytewise form: a '~' there is always followed by two hex digits.
        var mark = value.IndexOf(CompactMark, StringComparison.Ordinal);
        if (mark >= 0)
        {
            var sb = new StringBuilder(Decode(value[..mark]), value.Length);
            for (var i = mark + 2; i < value.Length; i++)
            {
                if (value[i] == '~' && i + 5 < value.Length && value[i + 1] == 'u')
                {
                    sb.Append((char)Convert.ToInt32(value.Substring(i + 2, 4), 16));
                    i += 5;
                }
                else if (value[i] == '~' && i + 2 < value.Length)
                {
                    sb.Append((char)Convert.ToInt32(value.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else
                {
                    sb.Append(value[i]);
                }
            }

            return sb.ToString();
        }

        if (!value.Contains('~'))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '~' && i + 2 < value.Length)
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)value[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsSafe(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or ':';
}
