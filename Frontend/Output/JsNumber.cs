using System.Globalization;
using System.Numerics;
using System.Text;

namespace Analytics.Frontend.Output;

/// <summary>
/// JavaScript number formatting as Countly's Node.js code produces it: <c>Number.prototype.toString</c>
/// (what <c>JSON.stringify</c> prints), <c>toFixed</c> and <c>Math.round</c>. .NET differs in
/// visible ways (exponent thresholds, <c>1E+21</c> spelling, and <c>0.25.ToString("F1")</c> is
/// "0.2" where JavaScript says "0.3"), and dashboard strings are compared as text.
/// </summary>
public static class JsNumber
{
    /// <summary>The text JavaScript prints for <paramref name="value"/> (<c>String(value)</c>); NaN and infinities print as JSON does (<c>null</c>).</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return "null";
        }

        if (value == 0)
        {
            return "0";
        }

        // "R" gives the shortest round-trip digits, the same digits ECMAScript picks; only the layout differs.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }

        var exponent = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var point = r.IndexOf('.', StringComparison.Ordinal);
        var digits = point >= 0 ? string.Concat(r.AsSpan(0, point), r.AsSpan(point + 1)) : r;
        var n = (point >= 0 ? point : r.Length) + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..];
        n -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        var sb = new StringBuilder(24);
        if (negative)
        {
            sb.Append('-');
        }

        var k = digits.Length;
        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            var exp = n - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>
    /// JavaScript <c>value.toFixed(digits)</c>: the exact binary value rounded half away from zero
    /// (so <c>0.25</c> → "0.3" but <c>1.005</c> → "1.00"), a "-" kept for negative values that round to zero.
    /// </summary>
    public static string ToFixed(double value, int digits)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (Math.Abs(value) >= 1e21 || double.IsInfinity(value))
        {
            return Format(value);
        }

        var negative = value < 0;
        var x = Math.Abs(value);
        var bits = BitConverter.DoubleToInt64Bits(x);
        var rawExponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (rawExponent == 0)
        {
            rawExponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        // x = mantissa * 2^shift exactly; n = round-half-up(x * 10^digits) computed without error.
        var shift = rawExponent - 1075;
        var scaled = new BigInteger(mantissa) * BigInteger.Pow(10, digits);
        BigInteger n;
        if (shift >= 0)
        {
            n = scaled << shift;
        }
        else
        {
            var denominator = BigInteger.One << -shift;
            n = BigInteger.DivRem(scaled, denominator, out var remainder);
            if (remainder * 2 >= denominator)
            {
                n += 1;
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

    /// <summary>JavaScript <c>Math.round</c>: halves round toward +∞ (−2.5 → −2).</summary>
    public static double Round(double value)
    {
        // Not Math.Floor(value + 0.5): that sum itself rounds (0.49999999999999994 + 0.5 == 1).
        var floor = Math.Floor(value);
        return value - floor >= 0.5 ? floor + 1 : floor;
    }

    /// <summary>Countly's <c>round(num, digits)</c>: <c>Math.round(num * 10^digits) / 10^digits</c>.</summary>
    public static double Round(double value, int digits)
    {
        var factor = Math.Pow(10, digits);
        return Round(value * factor) / factor;
    }
}
