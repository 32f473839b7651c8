using System.Text;

namespace Analytics.Bench.Load;

/// <summary>JavaScript's <c>encodeURIComponent</c>, which the Countly SDKs apply to every parameter value.</summary>
public static class JsUri
{
    private const string Hex = "0123456789ABCDEF";

    /// <summary>Appends <paramref name="value"/> encoded as <c>encodeURIComponent</c> does (UTF-8, upper-case hex; <c>A-Z a-z 0-9 - _ . ! ~ * ' ( )</c> stay).</summary>
    public static StringBuilder AppendEncoded(this StringBuilder sb, string value)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (IsUnreserved(c))
            {
                sb.Append(c);
                continue;
            }

            int n;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length)
            {
                n = Encoding.UTF8.GetBytes(value.AsSpan(i, 2), utf8);
                i++;
            }
            else
            {
                n = Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
            }

            for (var k = 0; k < n; k++)
            {
                sb.Append('%').Append(Hex[utf8[k] >> 4]).Append(Hex[utf8[k] & 15]);
            }
        }

        return sb;
    }

    /// <summary>The encoded form of <paramref name="value"/>.</summary>
    public static string Encode(string value) => new StringBuilder(value.Length * 2).AppendEncoded(value).ToString();

    private static bool IsUnreserved(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '~' or '*' or '\'' or '(' or ')';
}
