using System.Text;

namespace Analytics.Grains.Storage;

/// <summary>
/// Makes arbitrary strings (device ids, event keys) safe as Table Storage keys: letters,
/// digits and <c>-_.:</c> pass through, every other UTF-8 byte becomes <c>~XX</c>. The
/// encoding is reversible and keeps distinct inputs distinct.
/// </summary>
public static class KeyEncoding
{
    /// <summary>Encodes <paramref name="value"/>.</summary>
    public static string Encode(string value)
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

    /// <summary>Decodes a value made by <see cref="Encode"/>.</summary>
    public static string Decode(string value)
    {
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
