using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// <c>JSON.parse</c> for request input: strict JSON (no comments or trailing commas, nothing
/// after the value), nesting capped, and every failure reported as false rather than thrown,
/// because Countly silently ignores malformed <c>metrics</c>/<c>events</c>. The element owns
/// its memory (no <see cref="JsonDocument"/> to dispose).
/// </summary>
internal static class JsonParsing
{
    /// <summary>
    /// Whether <paramref name="utf8"/> is certainly not JSON, judged by its first and last bytes
    /// after whitespace: a JSON value begins with one of <c>{ [ " - 0-9 t f n</c> and ends with one
    /// of <c>} ] " 0-9 e l</c>. Text cut short, the usual broken <c>events</c> (a URL truncated at a
    /// length limit: <c>[{"key":"a","sum":</c>), ends in something else, and is refused here
    /// without the parser's exception, which costs more than parsing a valid batch
    /// (docs/performance.md, item 28). False means only "ask the parser".
    /// </summary>
    public static bool CannotBeJson(ReadOnlySpan<byte> utf8)
    {
        var text = utf8.Trim(" \t\r\n"u8);
        if (text.IsEmpty)
        {
            return true;
        }

        // 0xEF: a byte order mark, which the parser judges itself.
        var starts = text[0] is (byte)'{' or (byte)'[' or (byte)'"' or (byte)'-' or (>= (byte)'0' and <= (byte)'9') or (byte)'t' or (byte)'f' or (byte)'n' or 0xEF;
        var ends = text[^1] is (byte)'}' or (byte)']' or (byte)'"' or (>= (byte)'0' and <= (byte)'9') or (byte)'e' or (byte)'l';
        return !starts || !ends;
    }

    /// <summary>Parses UTF-8 JSON text.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, int maxDepth, out JsonElement value)
    {
        if (CannotBeJson(utf8))
        {
            value = default;
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
            value = JsonElement.ParseValue(ref reader);

            // ParseValue stops after the first value; JSON.parse rejects anything but whitespace after it.
            if (reader.Read())
            {
                value = default;
                return false;
            }

            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            value = default;
            return false;
        }
    }

    /// <summary>
    /// Parses JSON text held in a string into pooled memory, for a value read once and dropped
    /// (<c>events</c>, <c>metrics</c>): <see cref="TryParse(string, int, out JsonElement)"/> gives
    /// an element that owns a copy of the text and of its token table, about 2 KB for a batch of
    /// three events. <paramref name="scope"/> gives the memory back; the element is unusable after that.
    /// </summary>
    public static bool TryParsePooled(string text, int maxDepth, out JsonElement value, out PooledJson scope)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, rented);
            if (CannotBeJson(rented.AsSpan(0, length)))
            {
                ArrayPool<byte>.Shared.Return(rented);
                (value, scope) = (default, default);
                return false;
            }

            var document = JsonDocument.Parse(rented.AsMemory(0, length), new JsonDocumentOptions { MaxDepth = maxDepth });
            value = document.RootElement;
            scope = new PooledJson(document, rented);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            ArrayPool<byte>.Shared.Return(rented);
            value = default;
            scope = default;
            return false;
        }
    }

    /// <summary>Parses JSON text held in a string.</summary>
    public static bool TryParse(string text, int maxDepth, out JsonElement value)
    {
        var byteCount = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var length = Encoding.UTF8.GetBytes(text, rented);
            return TryParse(rented.AsSpan(0, length), maxDepth, out value);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

/// <summary>The pooled memory behind an element of <see cref="JsonParsing.TryParsePooled"/>; disposing it returns the memory.</summary>
internal readonly struct PooledJson(JsonDocument? document, byte[]? rented) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        document?.Dispose();
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
