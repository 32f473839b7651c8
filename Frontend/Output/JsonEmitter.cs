using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analytics.Frontend.Output;

/// <summary>
/// Writes a <see cref="JsonNode"/> as Node's <c>JSON.stringify</c> does (compact, only
/// <c>" \</c>, control characters and lone surrogates escaped, JavaScript number text), after
/// Countly's string escaping. Utf8JsonWriter is not used because its encoders escape more than
/// JSON.stringify (non-ASCII, <c>+</c>, HTML characters) and it prints <c>3.0m</c> as <c>3.0</c>.
/// </summary>
internal sealed class JsonEmitter(IBufferWriter<byte> output, JsonEscaping mode)
{
    private const string Hex = "0123456789abcdef";

    /// <summary>Writes <paramref name="node"/>.</summary>
    public void Write(JsonNode? node)
    {
        switch (node)
        {
            case null:
                Ascii("null");
                break;
            case JsonObject obj:
                WriteObject(obj);
                break;
            case JsonArray array:
                WriteArray(array);
                break;
            case JsonValue value:
                WriteValue(value);
                break;
        }
    }

    private void WriteObject(JsonObject obj)
    {
        Byte((byte)'{');
        var first = true;
        foreach (var (key, child) in obj)
        {
            if (!first)
            {
                Byte((byte)',');
            }

            first = false;
            String(Escape(key));
            Byte((byte)':');
            WriteMember(child);
        }

        Byte((byte)'}');
    }

    private void WriteArray(JsonArray array)
    {
        Byte((byte)'[');
        for (var i = 0; i < array.Count; i++)
        {
            if (i > 0)
            {
                Byte((byte)',');
            }

            WriteMember(array[i]);
        }

        Byte((byte)']');
    }

    private void WriteMember(JsonNode? child)
    {
        // Countly quirk (escape_html_entities): a string member that parses as a JSON object or
        // array is parsed, escaped and re-stringified instead of being escaped as text.
        if (mode == JsonEscaping.Output && child is JsonValue value && value.GetValueKind() == JsonValueKind.String
            && TryReescapeJson(value.GetValue<string>(), out var reescaped))
        {
            String(reescaped);
            return;
        }

        Write(child);
    }

    private static bool TryReescapeJson(string text, out string reescaped)
    {
        reescaped = text;
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty || (trimmed[0] != '{' && trimmed[0] != '['))
        {
            return false;
        }

        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return false;
        }

        if (parsed is not (JsonObject or JsonArray))
        {
            return false;
        }

        var buffer = new ArrayBufferWriter<byte>(text.Length + 16);
        new JsonEmitter(buffer, JsonEscaping.Output).Write(parsed);
        reescaped = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return true;
    }

    private void WriteValue(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                String(Escape(value.GetValue<string>()));
                return;
            case JsonValueKind.True:
                Ascii("true");
                return;
            case JsonValueKind.False:
                Ascii("false");
                return;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                Ascii("null");
                return;
            case JsonValueKind.Number:
                Ascii(NumberText(value));
                return;
            default:
                // Objects and arrays wrapped in a JsonValue (e.g. from a JsonElement) go through the node model.
                Write(JsonNode.Parse(value.ToJsonString()));
                return;
        }
    }

    private static string NumberText(JsonValue value)
    {
        if (value.TryGetValue<decimal>(out var m))
        {
            return DecimalText(m);
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l.ToString(CultureInfo.InvariantCulture);
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i.ToString(CultureInfo.InvariantCulture);
        }

        if (value.TryGetValue<double>(out var d))
        {
            return JsNumber.Format(d);
        }

        if (value.TryGetValue<float>(out var f))
        {
            return JsNumber.Format(f);
        }

        // Other integral CLR types print as themselves; anything else is re-read as a double like JavaScript would.
        var raw = value.ToJsonString();
        return raw.AsSpan().IndexOfAny(".eE") < 0 ? raw : JsNumber.Format(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>A decimal as JavaScript would print the same number: no trailing zeros (3 not 3.0).</summary>
    internal static string DecimalText(decimal value)
    {
        if (value == decimal.Truncate(value) && Math.Abs(value) < 1e15m)
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        return JsNumber.Format((double)value);
    }

    private string Escape(string text) => mode switch
    {
        JsonEscaping.Output => HtmlEscape.Output(text),
        JsonEscaping.Message => HtmlEscape.Message(text),
        _ => text,
    };

    private void String(string text)
    {
        Byte((byte)'"');
        var runStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? escape = null;
            if (c == '"')
            {
                escape = "\\\"";
            }
            else if (c == '\\')
            {
                escape = "\\\\";
            }
            else if (c < 0x20)
            {
                escape = c switch
                {
                    '\b' => "\\b",
                    '\f' => "\\f",
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => UnicodeEscape(c),
                };
            }
            else if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                // Well-formed JSON.stringify escapes lone surrogates instead of writing invalid UTF-8.
                escape = UnicodeEscape(c);
            }

            if (escape is not null)
            {
                Utf8(text.AsSpan(runStart, i - runStart));
                Ascii(escape);
                runStart = i + 1;
            }
        }

        Utf8(text.AsSpan(runStart));
        Byte((byte)'"');
    }

    private static string UnicodeEscape(char c) =>
        string.Create(6, c, static (span, ch) =>
        {
            span[0] = '\\';
            span[1] = 'u';
            span[2] = Hex[ch >> 12];
            span[3] = Hex[(ch >> 8) & 0xF];
            span[4] = Hex[(ch >> 4) & 0xF];
            span[5] = Hex[ch & 0xF];
        });

    private void Utf8(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chars.Length));
        output.Advance(Encoding.UTF8.GetBytes(chars, span));
    }

    private void Ascii(string text)
    {
        var span = output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }

    private void Byte(byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
