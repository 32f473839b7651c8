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
    /// <summary>Parses UTF-8 JSON text.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, int maxDepth, out JsonElement value)
    {
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
