using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;

namespace Analytics.Frontend.Output;

/// <summary>
/// Countly's two response bodies (spec §0.2): data ("output") responses, whose string keys and
/// values are HTML-escaped unless <c>noescape</c> is set, and message responses
/// (<c>{"result":…}</c>), which escape only <c>&lt;</c> and <c>&gt;</c>. Both are compact
/// <c>JSON.stringify</c> text with JavaScript number formatting.
/// </summary>
public static class OutputJson
{
    /// <summary>Writes a data response body; <paramref name="escape"/> is false when the request had <c>noescape</c>.</summary>
    public static void Write(IBufferWriter<byte> output, JsonNode? node, bool escape) =>
        new JsonEmitter(output, escape ? JsonEscaping.Output : JsonEscaping.None).Write(node);

    /// <summary>Writes a data response body to <paramref name="stream"/>.</summary>
    public static async Task WriteAsync(Stream stream, JsonNode? node, bool escape, CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, node, escape);
        await stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A data response body as text.</summary>
    public static string Serialize(JsonNode? node, bool escape)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, node, escape);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes a message response body (only <c>&lt;</c> and <c>&gt;</c> escaped in strings).</summary>
    public static void WriteMessage(IBufferWriter<byte> output, JsonNode? node) =>
        new JsonEmitter(output, JsonEscaping.Message).Write(node);

    /// <summary>A message response body as text, e.g. <c>{"result":"Missing parameter \"app_id\""}</c>.</summary>
    public static string SerializeMessage(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        WriteMessage(buffer, node);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The message object <c>{"result": <paramref name="result"/>}</c>.</summary>
    public static JsonObject Message(string result) => new() { ["result"] = result };
}
