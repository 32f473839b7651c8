using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// JavaScript's value semantics as the Countly server (Node.js) applies them to request
/// parameters: <c>String(x)</c>, truthiness, <c>Number(s)</c>, <c>parseFloat</c>,
/// <c>parseInt</c>, <c>toFixed</c>, <c>JSON.stringify</c> and Countly's <c>common.isNumber</c>.
/// Reproducing them exactly is what makes odd SDK input land in the same buckets as in Countly.
/// </summary>
public static class Js
{
    /// <summary>What <c>String(obj)</c> gives for any plain object.</summary>
    public const string ObjectString = "[object Object]";

    /// <summary>JavaScript's <c>StrWhiteSpaceChar</c>: what <c>Number()</c>, <c>parseInt</c> and <c>parseFloat</c> skip.</summary>
    public static bool IsWhiteSpace(char c) =>
        c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r' or '\u00A0' or '\u1680' or '\u2028' or '\u2029'
            or '\u202F' or '\u205F' or '\u3000' or '\uFEFF' || c is >= '\u2000' and <= '\u200A';

    /// <summary>JavaScript <c>Number(s)</c> for a string: the whole trimmed text must be a numeric literal, empty is 0, anything else NaN.</summary>
    public static double ToNumber(ReadOnlySpan<char> s)
    {
        s = Trim(s);
        if (s.IsEmpty)
        {
            return 0;
        }

        if (s.Length > 2 && s[0] == '0')
        {
            var radix = s[1] switch { 'x' or 'X' => 16, 'o' or 'O' => 8, 'b' or 'B' => 2, _ => 0 };
            if (radix != 0)
            {
                var digits = s[2..];
                var value = ParseDigits(digits, radix, out var used);
                return used == digits.Length ? value : double.NaN;
            }
        }

        var length = DecimalLiteralLength(s);
        return length == s.Length ? ParseDecimal(s) : double.NaN;
    }

    /// <summary>JavaScript <c>parseFloat(s)</c>: the longest decimal literal at the start of the trimmed text, or NaN.</summary>
    public static double ParseFloat(ReadOnlySpan<char> s)
    {
        s = TrimStart(s);
        var length = DecimalLiteralLength(s);
        return length == 0 ? double.NaN : ParseDecimal(s[..length]);
    }

    /// <summary>
    /// JavaScript <c>parseInt(s)</c> (radix 0 = automatic, which accepts a <c>0x</c> prefix) or
    /// <c>parseInt(s, 10)</c>: the leading integer of the trimmed text, or NaN.
    /// </summary>
    public static double ParseInt(ReadOnlySpan<char> s, int radix = 0)
    {
        s = TrimStart(s);
        var negative = false;
        if (!s.IsEmpty && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if ((radix == 0 || radix == 16) && s.Length >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        {
            s = s[2..];
            radix = 16;
        }

        if (radix == 0)
        {
            radix = 10;
        }

        var value = ParseDigits(s, radix, out var used);
        if (used == 0)
        {
            return double.NaN;
        }

        if (radix == 10 && used > 15)
        {
            // Beyond 2^53 the digit-by-digit sum drifts; JavaScript rounds the whole literal once.
            value = double.Parse(s[..used], NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return negative ? -value : value;
    }

    /// <summary>Countly's <c>common.isNumber(n)</c>: <c>!isNaN(parseFloat(n)) &amp;&amp; isFinite(n)</c>, for a string.</summary>
    public static bool IsNumber(ReadOnlySpan<char> s) => !double.IsNaN(ParseFloat(s)) && double.IsFinite(ToNumber(s));

    /// <summary>Countly's <c>common.isNumber(n)</c> for a JSON value (numbers must be finite, strings numeric text; nothing else is a number).</summary>
    public static bool IsNumber(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => double.IsFinite(ToDouble(e)),
        JsonValueKind.String => TryGetString(e, out var s) && IsNumber(s),
        _ => false,
    };

    /// <summary>The double value of a JSON number as JavaScript's <c>JSON.parse</c> reads it (overflow gives ±Infinity, never an exception).</summary>
    public static double ToDouble(JsonElement number)
    {
        if (number.TryGetDouble(out var d))
        {
            return d;
        }

        // System.Text.Json refuses values outside double's range; JavaScript reads 1e400 as Infinity.
        var raw = number.GetRawText();
        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out d) ? d : double.NaN;
    }

    /// <summary>JavaScript truthiness of a JSON value: false, 0, NaN, "" and null are falsy; objects and arrays are truthy.</summary>
    public static bool IsTruthy(JsonElement e) => e.ValueKind switch
    {
        // ValueEquals avoids allocating the string just to test for emptiness.
        JsonValueKind.String => !e.ValueEquals(ReadOnlySpan<byte>.Empty),
        JsonValueKind.Number => ToDouble(e) is var d && d != 0 && !double.IsNaN(d),
        JsonValueKind.True => true,
        JsonValueKind.Object or JsonValueKind.Array => true,
        _ => false,
    };

    /// <summary>
    /// Reads a JSON string without throwing: an escaped lone surrogate (<c>"\ud800"</c>) is
    /// legal for <c>JSON.parse</c> but makes <see cref="JsonElement.GetString"/> throw; it reads
    /// as U+FFFD here, the rest of the string intact. False only when <paramref name="e"/> is not a string.
    /// </summary>
    public static bool TryGetString(JsonElement e, out string value)
    {
        if (e.ValueKind != JsonValueKind.String)
        {
            value = string.Empty;
            return false;
        }

        try
        {
            value = e.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            value = UnescapeLeniently(e);
        }

        return true;
    }

    private static string UnescapeLeniently(JsonElement e)
    {
        string raw;
        try
        {
            raw = e.GetRawText();
        }
        catch (InvalidOperationException)
        {
            return "\uFFFD"; // not even valid UTF-8
        }

        // raw is the quoted JSON token, already validated by the reader.
        var chars = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var c = raw[i];
            if (c == '\\' && i + 1 < raw.Length - 1)
            {
                c = raw[++i];
                switch (c)
                {
                    case 'b': c = '\b'; break;
                    case 'f': c = '\f'; break;
                    case 'n': c = '\n'; break;
                    case 'r': c = '\r'; break;
                    case 't': c = '\t'; break;
                    case 'u' when i + 4 < raw.Length && int.TryParse(raw.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                        c = (char)code;
                        i += 4;
                        break;
                    default: break; // \" \\ \/
                }
            }

            chars.Append(c);
        }

        // Lone surrogates would not survive UTF-8 storage; keep the text valid UTF-16.
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return chars.ToString();
    }

    /// <summary>
    /// JavaScript <c>String(x)</c> of a JSON value: numbers in JavaScript formatting, booleans,
    /// <c>"null"</c>, <c>"[object Object]"</c> for objects, arrays joined with commas. Null only
    /// for an undefined element or an unreadable string.
    /// </summary>
    public static string? ToJsString(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return TryGetString(e, out var s) ? s : null;
            case JsonValueKind.Number:
                return NumberToString(ToDouble(e));
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Null:
                return "null";
            case JsonValueKind.Object:
                return ObjectString;
            case JsonValueKind.Array:
                var sb = new StringBuilder();
                AppendJoined(sb, e);
                return sb.ToString();
            default:
                return null;
        }
    }

    private static void AppendJoined(StringBuilder sb, JsonElement array)
    {
        var first = true;
        foreach (var item in array.EnumerateArray())
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;

            // Array.prototype.join writes null and undefined as empty strings.
            if (item.ValueKind == JsonValueKind.Array)
            {
                AppendJoined(sb, item);
            }
            else if (item.ValueKind != JsonValueKind.Null)
            {
                sb.Append(ToJsString(item));
            }
        }
    }

    /// <summary>JavaScript <c>Number.prototype.toString()</c> (shortest round-trip digits, exponent form outside 1e-7..1e21).</summary>
    public static string NumberToString(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        if (d == 0)
        {
            return "0";
        }

        if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
        {
            // The common case (counts, timestamps): plain integers need no digit analysis.
            return ((long)d).ToString(CultureInfo.InvariantCulture);
        }

        // .NET's "R" gives the same shortest round-trip digits; where it writes no exponent
        // (1e-5 <= |d| < 1e15) JavaScript writes none either, so the text is the same ("4.99").
        var plain = d.ToString("R", CultureInfo.InvariantCulture);
        if (!plain.Contains('E'))
        {
            return plain;
        }

        var negative = d < 0;
        var r = negative ? plain[1..] : plain;
        var ePos = r.IndexOf('E');
        var exponent = ePos >= 0 ? int.Parse(r.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var mantissa = ePos >= 0 ? r.AsSpan(0, ePos) : r.AsSpan();
        var dot = mantissa.IndexOf('.');
        var fractionLength = dot >= 0 ? mantissa.Length - dot - 1 : 0;

        Span<char> digits = stackalloc char[32];
        var k = 0;
        foreach (var c in mantissa)
        {
            if (c != '.' && (k > 0 || c != '0'))
            {
                digits[k++] = c;
            }
        }

        var power = exponent - fractionLength;
        while (k > 1 && digits[k - 1] == '0')
        {
            k--;
            power++;
        }

        // ECMA-262 Number::toString: value = digits × 10^(n − k).
        var n = power + k;
        var sb = new StringBuilder(32);
        if (negative)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(digits[..k]).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits[..n]).Append('.').Append(digits[n..k]);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits[..k]);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits[1..k]);
            }

            sb.Append('e').Append(n - 1 >= 0 ? '+' : '-').Append(Math.Abs(n - 1).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>
    /// JavaScript <c>Number.prototype.toFixed(digits)</c> for 0–17 digits: exact decimal
    /// rounding of the binary value with ties away from zero (2.625 → "2.63", where .NET's
    /// "F2" gives "2.62"), exponent form at 1e21 and above, <c>"0.00"</c> for negative zero.
    /// </summary>
    public static string ToFixed(double d, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 17);
        if (!double.IsFinite(d) || Math.Abs(d) >= 1e21)
        {
            return NumberToString(d);
        }

        // x = m · 2^e exactly; n = round-half-up(x · 10^digits) in 128-bit integer arithmetic.
        var negative = d < 0;
        var bits = BitConverter.DoubleToInt64Bits(Math.Abs(d));
        var biased = (int)((bits >> 52) & 0x7FF);
        var fraction = (ulong)bits & ((1UL << 52) - 1);
        var m = biased == 0 ? fraction : fraction | (1UL << 52);
        var e = biased == 0 ? -1074 : biased - 1075;
        var scaled = (UInt128)m * UInt128Pow10(digits);
        UInt128 n;
        if (e >= 0)
        {
            n = scaled << e; // |d| < 1e21 and digits ≤ 17 keep this below 1e38 < 2^128
        }
        else if (-e >= 127)
        {
            n = 0; // x · 10^digits < 2^110 · 2^-127 < 1/2
        }
        else
        {
            var shift = -e;
            n = scaled >> shift;
            var remainder = scaled - (n << shift);
            if (remainder << 1 >= UInt128.One << shift)
            {
                n++;
            }
        }

        var text = n.ToString(CultureInfo.InvariantCulture);
        if (digits > 0)
        {
            text = text.PadLeft(digits + 1, '0');
            text = string.Concat(text.AsSpan(0, text.Length - digits), ".", text.AsSpan(text.Length - digits));
        }

        return negative ? "-" + text : text;
    }

    private static UInt128 UInt128Pow10(int exponent)
    {
        UInt128 result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>JavaScript <c>JSON.stringify</c> of a JSON value (compact, JavaScript number formatting and string escaping).</summary>
    public static string Stringify(JsonElement e)
    {
        var sb = new StringBuilder();
        AppendJson(sb, e);
        return sb.ToString();
    }

    private static void AppendJson(StringBuilder sb, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var p in e.EnumerateObject())
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    AppendQuoted(sb, p.Name);
                    sb.Append(':');
                    AppendJson(sb, p.Value);
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in e.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        sb.Append(',');
                    }

                    firstItem = false;
                    AppendJson(sb, item);
                }

                sb.Append(']');
                break;
            case JsonValueKind.String:
                AppendQuoted(sb, TryGetString(e, out var s) ? s : string.Empty);
                break;
            case JsonValueKind.Number:
                var d = ToDouble(e);
                sb.Append(double.IsFinite(d) ? NumberToString(d) : "null");
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    private static void AppendQuoted(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    var loneSurrogate = char.IsHighSurrogate(c)
                        ? i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])
                        : char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(s[i - 1]));
                    if (c < ' ' || loneSurrogate)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> s)
    {
        s = TrimStart(s);
        var end = s.Length;
        while (end > 0 && IsWhiteSpace(s[end - 1]))
        {
            end--;
        }

        return s[..end];
    }

    private static ReadOnlySpan<char> TrimStart(ReadOnlySpan<char> s)
    {
        var start = 0;
        while (start < s.Length && IsWhiteSpace(s[start]))
        {
            start++;
        }

        return s[start..];
    }

    /// <summary>Length of the <c>StrDecimalLiteral</c> at the start of <paramref name="s"/> (sign, Infinity, digits, fraction, exponent); 0 when there is none.</summary>
    private static int DecimalLiteralLength(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            i++;
        }

        if (s[i..].StartsWith("Infinity", StringComparison.Ordinal))
        {
            return i + 8;
        }

        var intDigits = CountDigits(s, i);
        i += intDigits;
        var fractionDigits = 0;
        if (i < s.Length && s[i] == '.')
        {
            fractionDigits = CountDigits(s, i + 1);
            if (intDigits == 0 && fractionDigits == 0)
            {
                return 0;
            }

            i += 1 + fractionDigits;
        }

        if (intDigits == 0 && fractionDigits == 0)
        {
            return 0;
        }

        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            var j = i + 1;
            if (j < s.Length && (s[j] == '+' || s[j] == '-'))
            {
                j++;
            }

            var expDigits = CountDigits(s, j);
            if (expDigits > 0)
            {
                i = j + expDigits;
            }
        }

        return i;
    }

    private static int CountDigits(ReadOnlySpan<char> s, int start)
    {
        var i = start;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i - start;
    }

    /// <summary>Parses text already validated as a decimal literal; huge exponents give ±Infinity or 0 as in JavaScript.</summary>
    private static double ParseDecimal(ReadOnlySpan<char> literal)
    {
        var unsigned = literal.TrimStart("+-");
        if (unsigned.SequenceEqual("Infinity"))
        {
            return literal[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }

        return double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
    }

    private static double ParseDigits(ReadOnlySpan<char> s, int radix, out int used)
    {
        double value = 0;
        var i = 0;
        for (; i < s.Length; i++)
        {
            var digit = HexValue(s[i]);
            if (digit < 0 || digit >= radix)
            {
                break;
            }

            value = (value * radix) + digit;
        }

        used = i;
        return value;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
