using System.Text;

namespace Analytics.Frontend.Output;

/// <summary>
/// Countly's HTML escaping of response strings (spec §0.2): data ("output") responses escape
/// <c>" ' &amp; &lt; &gt;</c>, leaving an <c>&amp;</c> that already starts one of Countly's
/// entities alone so stored values are not double-escaped; message responses escape only
/// <c>&lt;</c> and <c>&gt;</c>.
/// </summary>
public static class HtmlEscape
{
    // The entities Countly leaves intact after '&' (its escape_html negative look-ahead).
    private static readonly string[] KnownEntities = ["amp;", "quot;", "#39;", "lt;", "gt;", "#46;", "#36;"];

    /// <summary>Escapes <paramref name="value"/> for a data response.</summary>
    public static string Output(string value)
    {
        var first = value.AsSpan().IndexOfAny("\"'&<>");
        if (first < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 16);
        sb.Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    sb.Append("&quot;");
                    break;
                case '\'':
                    sb.Append("&#39;");
                    break;
                case '<':
                    sb.Append("&lt;");
                    break;
                case '>':
                    sb.Append("&gt;");
                    break;
                case '&':
                    sb.Append(StartsEntity(value, i + 1) ? "&" : "&amp;");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Escapes <paramref name="value"/> for a message response (<c>&lt;</c> and <c>&gt;</c> only).</summary>
    public static string Message(string value)
    {
        if (value.AsSpan().IndexOfAny('<', '>') < 0)
        {
            return value;
        }

        return value.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }

    private static bool StartsEntity(string value, int index)
    {
        var rest = value.AsSpan(index);
        foreach (var entity in KnownEntities)
        {
            if (rest.StartsWith(entity, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
