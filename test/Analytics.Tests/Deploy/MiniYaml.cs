using System.Globalization;
using System.Text;

namespace Analytics.Tests.Deploy;

/// <summary>
/// A strict reader for the YAML subset the deployment files use, so their structure can be
/// checked without a YAML package: block mappings and sequences indented by two spaces,
/// plain, single- and double-quoted scalars, literal and folded block scalars, one-line flow
/// collections, comments and <c>---</c> document separators. Mappings come back as
/// <see cref="Dictionary{TKey,TValue}"/>, sequences as <see cref="List{T}"/>, scalars as
/// strings (null for an empty value). Anything outside the subset, or ill-formed YAML (tabs,
/// odd indentation, duplicate keys, <c>": "</c> or <c>" #"</c> inside a plain scalar, an
/// unclosed quote), throws <see cref="FormatException"/> naming the line.
/// </summary>
public sealed class MiniYaml
{
    private const int Step = 2;

    private readonly List<(int Number, string Text)> _lines;
    private int _pos;

    private MiniYaml(List<(int Number, string Text)> lines) => _lines = lines;

    /// <summary>Parses every document of <paramref name="text"/>; documents holding only comments are left out.</summary>
    public static IReadOnlyList<object?> ParseDocuments(string text)
    {
        var documents = new List<object?>();
        var current = new List<(int, string)>();
        var raw = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < raw.Length; i++)
        {
            var line = raw[i];
            if (line.Contains('\t', StringComparison.Ordinal))
            {
                throw Error(i + 1, "tab character (YAML indents with spaces only)");
            }

            if (line == "---" || line.StartsWith("--- ", StringComparison.Ordinal) || line == "...")
            {
                AddDocument(documents, current);
                current = [];
                continue;
            }

            current.Add((i + 1, line.TrimEnd(' ')));
        }

        AddDocument(documents, current);
        return documents;
    }

    private static void AddDocument(List<object?> documents, List<(int Number, string Text)> lines)
    {
        var reader = new MiniYaml(lines);
        if (!reader.TryPeek(out var indent, out _, out var number))
        {
            return;
        }

        if (indent != 0)
        {
            throw Error(number, "a document's top level must start in column 1");
        }

        documents.Add(reader.ParseNode(0));
        if (reader.TryPeek(out _, out _, out var extra))
        {
            throw Error(extra, "unexpected content after the end of the document's top-level block");
        }
    }

    private object? ParseNode(int indent) =>
        TryPeek(out _, out var content, out _) && IsSequenceItem(content) ? ParseSequence(indent) : ParseMapping(indent);

    private Dictionary<string, object?> ParseMapping(int indent)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (TryPeek(out var i, out var content, out var number))
        {
            if (i < indent)
            {
                break;
            }

            if (i > indent)
            {
                throw Error(number, $"unexpected indentation ({i} spaces where {indent} were expected)");
            }

            if (IsSequenceItem(content))
            {
                throw Error(number, "a sequence item where a mapping key was expected");
            }

            _pos++;
            var (key, rest) = SplitKey(content, number);
            if (!map.TryAdd(key, null))
            {
                throw Error(number, $"duplicate key \"{key}\"");
            }

            map[key] = ParseValue(rest, indent, number);
        }

        return map;
    }

    private List<object?> ParseSequence(int indent)
    {
        var list = new List<object?>();
        while (TryPeek(out var i, out var content, out var number))
        {
            if (i < indent)
            {
                break;
            }

            if (i > indent)
            {
                throw Error(number, $"unexpected indentation ({i} spaces where {indent} were expected)");
            }

            if (!IsSequenceItem(content))
            {
                break;
            }

            var rest = content.Length == 1 ? "" : content[2..];
            var itemIndent = indent + 2 + (rest.Length - rest.TrimStart(' ').Length);
            rest = rest.TrimStart(' ');
            if (rest.Length == 0 || rest[0] == '#')
            {
                _pos++;
                list.Add(ParseChild(indent, number));
            }
            else if (IsSequenceItem(rest) || LooksLikeKey(rest))
            {
                // "- key: value" / "- - item": the item is a block starting at the item's column.
                _lines[_pos] = (number, new string(' ', itemIndent) + rest);
                list.Add(ParseNode(itemIndent));
            }
            else
            {
                _pos++;
                list.Add(ParseScalar(rest, number, allowBlock: false, indent));
            }
        }

        return list;
    }

    private object? ParseValue(string rest, int indent, int number)
    {
        rest = rest.TrimStart(' ');
        if (rest.Length == 0 || rest[0] == '#')
        {
            if (TryPeek(out var i, out var content, out _) && i == indent && IsSequenceItem(content))
            {
                return ParseSequence(indent);
            }

            return ParseChild(indent, number);
        }

        return ParseScalar(rest, number, allowBlock: true, indent);
    }

    private object? ParseChild(int parentIndent, int number)
    {
        if (!TryPeek(out var i, out _, out var childNumber) || i <= parentIndent)
        {
            return null;
        }

        if (i != parentIndent + Step)
        {
            throw Error(childNumber, $"inconsistent indentation: {i} spaces under a block at {parentIndent} (use {Step} more than the parent, line {number})");
        }

        return ParseNode(i);
    }

    private object? ParseScalar(string rest, int number, bool allowBlock, int indent)
    {
        switch (rest[0])
        {
            case '|' or '>' when allowBlock:
                return ParseBlockScalar(rest, number, indent);
            case '"' or '\'':
                {
                    var (value, end) = Quoted(rest, 0, number);
                    ExpectOnlyComment(rest[end..], number);
                    return value;
                }

            case '[' or '{':
                {
                    var end = 0;
                    var value = Flow(rest, ref end, number);
                    ExpectOnlyComment(rest[end..], number);
                    return value;
                }

            case '&' or '*' or '!' or '%' or '@' or '`' or '|' or '>':
                throw Error(number, $"unsupported YAML construct starting with '{rest[0]}'");
        }

        var comment = rest.IndexOf(" #", StringComparison.Ordinal);
        var plain = (comment >= 0 ? rest[..comment] : rest).TrimEnd(' ');
        if (plain.Contains(": ", StringComparison.Ordinal) || plain.EndsWith(':'))
        {
            throw Error(number, $"\": \" inside a plain scalar (quote the value): {plain}");
        }

        return plain is "~" or "null" ? null : plain;
    }

    private string ParseBlockScalar(string header, int number, int indent)
    {
        var comment = header.IndexOf(" #", StringComparison.Ordinal);
        var h = (comment >= 0 ? header[..comment] : header).TrimEnd(' ');
        if (h.Length > 3 || (h.Length > 1 && h[1..].Any(c => c is not ('+' or '-') && !char.IsAsciiDigit(c))))
        {
            throw Error(number, $"bad block scalar header \"{h}\"");
        }

        var lines = new List<string>();
        var blockIndent = -1;
        while (_pos < _lines.Count)
        {
            var (lineNumber, text) = _lines[_pos];
            var i = text.Length - text.TrimStart(' ').Length;
            if (text.Trim().Length == 0)
            {
                lines.Add("");
                _pos++;
                continue;
            }

            if (i <= indent)
            {
                break;
            }

            if (blockIndent < 0)
            {
                blockIndent = i;
            }
            else if (i < blockIndent)
            {
                throw Error(lineNumber, "a block scalar line is less indented than the block's first line");
            }

            lines.Add(text[blockIndent..]);
            _pos++;
        }

        var keep = h.Contains('+', StringComparison.Ordinal);
        var strip = h.Contains('-', StringComparison.Ordinal);
        var trailing = 0;
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
            trailing++;
        }

        var body = h[0] == '|' ? string.Join('\n', lines) : Fold(lines);
        return strip || lines.Count == 0 ? body : body + (keep ? new string('\n', trailing + 1) : "\n");
    }

    private static string Fold(List<string> lines)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(lines[i].Length == 0 || lines[i - 1].Length == 0 ? "\n" : " ");
            }

            sb.Append(lines[i]);
        }

        return sb.ToString();
    }

    private static object? Flow(string s, ref int i, int number)
    {
        var close = s[i] == '[' ? ']' : '}';
        var isMap = close == '}';
        var list = new List<object?>();
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        i++;
        while (true)
        {
            SkipSpaces(s, ref i);
            if (i >= s.Length)
            {
                throw Error(number, "unclosed flow collection");
            }

            if (s[i] == close)
            {
                i++;
                return isMap ? map : list;
            }

            var item = FlowItem(s, ref i, number);
            SkipSpaces(s, ref i);
            if (isMap)
            {
                if (i >= s.Length || s[i] != ':')
                {
                    throw Error(number, "flow mapping entry without ':'");
                }

                i++;
                SkipSpaces(s, ref i);
                var key = item as string ?? throw Error(number, "flow mapping key must be a scalar");
                if (!map.TryAdd(key, FlowItem(s, ref i, number)))
                {
                    throw Error(number, $"duplicate key \"{key}\"");
                }

                SkipSpaces(s, ref i);
            }
            else
            {
                list.Add(item);
            }

            if (i >= s.Length)
            {
                throw Error(number, "unclosed flow collection");
            }

            if (s[i] == ',')
            {
                i++;
            }
            else if (s[i] != close)
            {
                throw Error(number, "expected ',' or the end of the flow collection");
            }
        }
    }

    private static object? FlowItem(string s, ref int i, int number)
    {
        if (s[i] is '[' or '{')
        {
            return Flow(s, ref i, number);
        }

        if (s[i] is '"' or '\'')
        {
            var (value, end) = Quoted(s, i, number);
            i = end;
            return value;
        }

        var start = i;
        while (i < s.Length && s[i] is not (',' or ']' or '}') && !(s[i] == ':' && (i + 1 == s.Length || s[i + 1] == ' ')))
        {
            i++;
        }

        var plain = s[start..i].Trim();
        return plain.Length == 0 || plain is "~" or "null" ? null : plain;
    }

    private static (string Value, int End) Quoted(string s, int start, int number)
    {
        var quote = s[start];
        var sb = new StringBuilder();
        for (var i = start + 1; i < s.Length; i++)
        {
            var c = s[i];
            if (quote == '\'' && c == '\'')
            {
                if (i + 1 < s.Length && s[i + 1] == '\'')
                {
                    sb.Append('\'');
                    i++;
                    continue;
                }

                return (sb.ToString(), i + 1);
            }

            if (quote == '"' && c == '"')
            {
                return (sb.ToString(), i + 1);
            }

            if (quote == '"' && c == '\\')
            {
                if (++i >= s.Length)
                {
                    break;
                }

                sb.Append(s[i] switch
                {
                    'n' => "\n",
                    't' => "\t",
                    '"' => "\"",
                    '\\' => "\\",
                    '/' => "/",
                    '0' => "\0",
                    'u' when i + 4 < s.Length => ((char)int.Parse(s.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
                    _ => throw Error(number, $"unknown escape \\{s[i]}"),
                });
                if (s[i] == 'u')
                {
                    i += 4;
                }

                continue;
            }

            sb.Append(c);
        }

        throw Error(number, "unclosed quoted scalar (multi-line quoted scalars are not supported)");
    }

    private static void ExpectOnlyComment(string rest, int number)
    {
        var t = rest.TrimStart(' ');
        if (t.Length > 0 && (t[0] != '#' || rest.Length == t.Length))
        {
            throw Error(number, $"unexpected text after a value: {t}");
        }
    }

    private static (string Key, string Value) SplitKey(string content, int number)
    {
        if (content[0] is '"' or '\'')
        {
            var (key, end) = Quoted(content, 0, number);
            if (end < content.Length && content[end] == ':' && (end + 1 == content.Length || content[end + 1] == ' '))
            {
                return (key, content[(end + 1)..]);
            }

            throw Error(number, "expected ':' after a quoted key");
        }

        if (content[0] is '[' or '{' or '?' or '&' or '*' or '!')
        {
            throw Error(number, $"unsupported mapping key starting with '{content[0]}'");
        }

        var colon = content.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0 && content.EndsWith(':'))
        {
            colon = content.Length - 1;
        }

        if (colon <= 0 || content.AsSpan(0, colon).Contains(" #", StringComparison.Ordinal))
        {
            throw Error(number, $"expected \"key: value\": {content}");
        }

        return (content[..colon].TrimEnd(' '), content[(colon + 1)..]);
    }

    private static bool LooksLikeKey(string content)
    {
        if (content[0] is '"' or '\'')
        {
            try
            {
                var (_, end) = Quoted(content, 0, 0);
                return end < content.Length && content[end] == ':' && (end + 1 == content.Length || content[end + 1] == ' ');
            }
            catch (FormatException)
            {
                return false;
            }
        }

        if (content[0] is '[' or '{')
        {
            return false;
        }

        var comment = content.IndexOf(" #", StringComparison.Ordinal);
        var plain = comment >= 0 ? content[..comment] : content;
        return plain.Contains(": ", StringComparison.Ordinal) || plain.TrimEnd(' ').EndsWith(':');
    }

    private static bool IsSequenceItem(string content) => content == "-" || content.StartsWith("- ", StringComparison.Ordinal);

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
    }

    /// <summary>The next line that is neither blank nor a comment, without consuming it.</summary>
    private bool TryPeek(out int indent, out string content, out int number)
    {
        while (_pos < _lines.Count)
        {
            var (n, text) = _lines[_pos];
            var trimmed = text.TrimStart(' ');
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                _pos++;
                continue;
            }

            indent = text.Length - trimmed.Length;
            content = trimmed;
            number = n;
            return true;
        }

        indent = 0;
        content = "";
        number = _lines.Count > 0 ? _lines[^1].Number : 0;
        return false;
    }

    private static FormatException Error(int line, string message) => new($"line {line}: {message}");
}
