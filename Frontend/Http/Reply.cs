using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Analytics.Frontend.Http;

/// <summary>
/// Countly's two response helpers (spec §0.2): message responses <c>{"result": …}</c> with
/// only <c>&lt;</c>/<c>&gt;</c> escaped, and data responses; both JSONP-wrapped when a valid
/// <c>callback</c> is given, with status and content type unchanged.
/// </summary>
public static partial class Reply
{
    /// <summary>Countly's content type for every response.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Compact JSON, quotes escaped as <c>\"</c>, non-ASCII kept, like <c>JSON.stringify</c>.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>Whether <paramref name="callback"/> is a plain JavaScript identifier path (the only JSONP names accepted).</summary>
    public static bool IsValidCallback(string callback) => callback.Length <= 128 && CallbackPattern().IsMatch(callback);

    // The answer to nearly every /i request, written as it is instead of through a JSON writer
    // (a closure, a buffer and a writer per request).
    private static readonly byte[] SuccessBody = """{"result":"Success"}"""u8.ToArray();

    /// <summary>Writes <c>{"result": message}</c> with <paramref name="status"/>.</summary>
    public static Task MessageAsync(HttpContext context, int status, string message, string? callback = null) =>
        callback is null && status == 200 && message == "Success" ? WriteBytesAsync(context, status, SuccessBody) : WriteMessageAsync(context, status, message, callback);

    // Apart from MessageAsync: the closure over the message would be allocated on entry, fast path or not.
    private static Task WriteMessageAsync(HttpContext context, int status, string message, string? callback) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("result", EscapeAngles(message));
            w.WriteEndObject();
        }, callback);

    /// <summary>Writes a message response with extra fields (e.g. Countly's duplicate <c>info</c>).</summary>
    public static Task MessageAsync(HttpContext context, int status, string message, string extraName, string extraValue, string? callback = null) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("result", EscapeAngles(message));
            w.WriteString(extraName, EscapeAngles(extraValue));
            w.WriteEndObject();
        }, callback);

    /// <summary>Writes <c>{"result": [message]}</c> (Countly's array form for some validation errors).</summary>
    public static Task MessageArrayAsync(HttpContext context, int status, string message, string? callback = null) =>
        WriteAsync(context, status, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("result");
            w.WriteStartArray();
            w.WriteStringValue(EscapeAngles(message));
            w.WriteEndArray();
            w.WriteEndObject();
        }, callback);

    /// <summary>Writes a JSON body produced by <paramref name="write"/>, JSONP-wrapped when <paramref name="callback"/> is set.</summary>
    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write, string? callback)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        var buffer = new ArrayBufferWriter();
        if (callback is not null)
        {
            buffer.Write(Encoding.UTF8.GetBytes(callback + "("));
        }

        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        if (callback is not null)
        {
            buffer.Write(")"u8);
        }

        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static Task WriteBytesAsync(HttpContext context, int status, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>Escapes <c>&lt;</c> and <c>&gt;</c> as Countly's message helper does.</summary>
    public static string EscapeAngles(string value) =>
        value.AsSpan().IndexOfAny('<', '>') < 0 ? value : value.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    // \z, not $: $ also matches before a final newline, which would then be reflected.
    [GeneratedRegex("^[A-Za-z_$][0-9A-Za-z_$.]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CallbackPattern();

    private sealed class ArrayBufferWriter : System.Buffers.IBufferWriter<byte>
    {
        private byte[] _buffer = new byte[256];

        public int WrittenCount { get; private set; }

        public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, WrittenCount);

        public void Write(ReadOnlySpan<byte> data)
        {
            data.CopyTo(GetSpan(data.Length));
            Advance(data.Length);
        }

        public void Advance(int count) => WrittenCount += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsMemory(WrittenCount);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsSpan(WrittenCount);
        }

        private void Ensure(int sizeHint)
        {
            var needed = WrittenCount + Math.Max(sizeHint, 1);
            if (needed > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
            }
        }
    }
}
