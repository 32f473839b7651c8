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
