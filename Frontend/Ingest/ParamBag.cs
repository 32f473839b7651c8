using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// Countly's single flat parameter bag (<c>params.qstring</c>): the URL query merged with a
/// POST body (form, multipart fields or a JSON object whose values keep their JSON types).
/// When a name is in both, the URL query wins, as in Countly, which copies it last. The raw
/// query and body text are kept for checksum verification. Reading never throws on hostile
/// input: broken escapes and UTF-8 decode leniently, malformed JSON bodies contribute nothing,
/// and only the size limits of <see cref="RequestLimits"/> reject a request.
/// </summary>
public sealed class ParamBag
{
    private static readonly JsonElement EmptyArray = JsonParsing.TryParse("[]"u8, 2, out var e) ? e : default;

    private readonly Dictionary<string, ParamValue> _values;
    private readonly int _maxJsonDepth;

    // The query as received and where its raw text starts (after a leading '?'): RawQuery is cut
    // from it only when asked for (salted apps' checksums), not copied for every request.
    private readonly string _query;
    private readonly int _queryStart;
    private string? _rawQuery;

    private ParamBag(string query, int queryStart, bool isPost, int maxJsonDepth, int capacity)
    {
        _query = query;
        _queryStart = queryStart;
        IsPost = isPost;
        _maxJsonDepth = maxJsonDepth;
        _values = new Dictionary<string, ParamValue>(capacity, StringComparer.Ordinal);
    }

    /// <summary>The query string exactly as received, without the leading <c>?</c> (empty when there is none).</summary>
    public string RawQuery => _rawQuery ??= _queryStart == 0 ? _query : _query[_queryStart..];

    /// <summary>The POST body as text (UTF-8 decoded), or null for other methods.</summary>
    public string? RawBody { get; private set; }

    /// <summary>Whether the request was a POST (its body is then a checksum candidate too).</summary>
    public bool IsPost { get; }

    /// <summary>Number of distinct parameter names.</summary>
    public int Count => _values.Count;

    /// <summary>The entries, for <see cref="Fingerprint"/>.</summary>
    internal Dictionary<string, ParamValue> Values => _values;

    /// <summary>Reads the query and, for POST, the body of <paramref name="request"/> into a bag, enforcing <paramref name="limits"/>.</summary>
    /// <remarks>A <see cref="ValueTask{TResult}"/>: a GET (every SDK request of most SDKs) completes without awaiting, and needs no task object.</remarks>
    public static async ValueTask<ParamBagResult> ReadAsync(HttpRequest request, RequestLimits limits, CancellationToken ct)
    {
        var isPost = HttpMethods.IsPost(request.Method);
        var queryResult = ReadQuery(request.QueryString.Value ?? string.Empty, isPost, limits, out var count);
        if (!queryResult.Success || !isPost)
        {
            return queryResult;
        }

        var bag = queryResult.Bag;
        if (request.ContentLength > limits.MaxBodyBytes)
        {
            return BodyTooLarge(limits);
        }

        byte[]? buffer = null;
        try
        {
            int length;
            try
            {
                (buffer, length) = await ReadBodyAsync(request.Body, request.ContentLength, limits.MaxBodyBytes, ct).ConfigureAwait(false);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
            {
                // Kestrel's own limits (MaxRequestBodySize, timeouts) surface here.
                return e.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? BodyTooLarge(limits)
                    : ParamBagResult.Fail(e.StatusCode, "Request body could not be read");
            }
            catch (Exception e) when (e is IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                return ParamBagResult.Fail(StatusCodes.Status400BadRequest, "Request body could not be read");
            }

            if (length > limits.MaxBodyBytes)
            {
                return BodyTooLarge(limits);
            }

            var body = buffer.AsSpan(0, length);
            bag.RawBody = Encoding.UTF8.GetString(body);
            var error = await bag.AddBodyAsync(request.ContentType, buffer, length, limits, count, ct).ConfigureAwait(false);
            return error is null ? ParamBagResult.Ok(bag) : ParamBagResult.Fail(StatusCodes.Status400BadRequest, error);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>A bag of a bare query string (no body), for callers that already hold one; the result says why it was rejected, if it was.</summary>
    public static ParamBagResult FromQuery(string rawQuery, RequestLimits limits) =>
        ReadQuery(rawQuery, isPost: false, limits, out _);

    /// <summary>
    /// A bag of one JSON object's properties with their JSON types (an <c>/i/bulk</c> item);
    /// empty raw query and no body. A later duplicate property wins, as in <c>JSON.parse</c>.
    /// </summary>
    public static ParamBag FromJsonObject(JsonElement item, int maxJsonDepth = 32)
    {
        var bag = new ParamBag(string.Empty, 0, isPost: false, maxJsonDepth, 16);
        if (item.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in item.EnumerateObject())
            {
                bag._values[property.Name] = ParamValue.OfJson(property.Value);
            }
        }

        return bag;
    }

    /// <summary>Whether <paramref name="name"/> is present with any value, even an empty one (Countly's <c>typeof x !== "undefined"</c>).</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The JavaScript type of the value: <c>String</c> for query and form values, the JSON kind for JSON values, <c>Array</c> for a repeated name, <c>Object</c> for bracketed names; <c>Undefined</c> when absent.</summary>
    public JsonValueKind KindOf(string name) => _values.TryGetValue(name, out var v) ? v.Kind : JsonValueKind.Undefined;

    /// <summary>
    /// The value as Countly's <c>String(x)</c> sees it: strings as is, numbers in JavaScript
    /// formatting, <c>"true"</c>/<c>"false"</c>/<c>"null"</c>, arrays joined with commas and
    /// objects (including bracketed names) as <c>"[object Object]"</c>, which never equals an
    /// app key. Null when absent. Use <see cref="KindOf"/> to tell real strings apart.
    /// </summary>
    public string? GetString(string name) => _values.TryGetValue(name, out var v) ? AsString(v) : null;

    /// <summary>
    /// As <see cref="GetString"/>, but a JSON array or object (a JSON body's, or repeated names)
    /// in its JSON text rather than JavaScript's <c>String()</c> of it: for parameters that take a
    /// JSON value or its text, such as <c>period</c>'s <c>[from,to]</c>.
    /// </summary>
    public string? GetText(string name) => _values.TryGetValue(name, out var v) ? CanonicalText(v) : null;

    /// <summary>
    /// <see cref="TryGetJson"/> for a value read once and dropped (<c>events</c>, <c>metrics</c>):
    /// a string value is parsed into pooled memory that <paramref name="scope"/> returns when
    /// disposed, after which <paramref name="value"/> must not be used.
    /// </summary>
    internal bool TryGetJsonPooled(string name, out JsonElement value, out PooledJson scope)
    {
        if (_values.TryGetValue(name, out var v) && v.Text is not null)
        {
            return JsonParsing.TryParsePooled(v.Text, _maxJsonDepth, out value, out scope);
        }

        scope = default;
        return TryGetJson(name, out value);
    }

    /// <summary>
    /// The value as JSON: a string value is parsed (Countly's <c>JSON.parse</c> of
    /// <c>metrics</c>, <c>events</c>, <c>requests</c>), a JSON-typed value is used as is.
    /// False when absent or not valid JSON (including nesting deeper than the limit).
    /// Parses on every call.
    /// </summary>
    public bool TryGetJson(string name, out JsonElement value)
    {
        if (!_values.TryGetValue(name, out var v))
        {
            value = default;
            return false;
        }

        if (v.Text is not null)
        {
            return JsonParsing.TryParse(v.Text, _maxJsonDepth, out value);
        }

        value = AsJson(v);
        return true;
    }

    /// <summary>
    /// JavaScript truthiness of the value, as Countly tests <c>begin_session</c>,
    /// <c>end_session</c> and friends: any non-empty string is truthy (including <c>"0"</c> and
    /// <c>"false"</c>); JSON <c>false</c>, <c>0</c> and <c>null</c> are falsy; absent is falsy.
    /// </summary>
    public bool IsTruthy(string name)
    {
        if (!_values.TryGetValue(name, out var v))
        {
            return false;
        }

        if (v.Text is not null)
        {
            return v.Text.Length > 0;
        }

        return !v.HasJson || Js.IsTruthy(v.Json);
    }

    /// <summary>Adds <paramref name="name"/> with <paramref name="value"/> unless it is truthy already (an <c>/i/bulk</c> item inheriting the request's <c>app_key</c>: <c>item.app_key || appKey</c>).</summary>
    internal void SetDefault(string name, ParamValue value)
    {
        if (!IsTruthy(name))
        {
            _values[name] = value;
        }
    }

    /// <summary>Gets the raw entry for <paramref name="name"/>.</summary>
    internal bool TryGetValue(string name, out ParamValue value) => _values.TryGetValue(name, out value);

    /// <summary>The text a value stands for when comparing requests: strings as is, primitives as <c>String(x)</c>, objects and arrays as compact JSON.</summary>
    internal static string CanonicalText(in ParamValue v)
    {
        if (v.Text is not null)
        {
            return v.Text;
        }

        var json = AsJson(v);
        return json.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? Js.Stringify(json) : Js.ToJsString(json) ?? string.Empty;
    }

    private static string AsString(in ParamValue v)
    {
        if (v.Text is not null)
        {
            return v.Text;
        }

        if (v.Items is not null)
        {
            return string.Join(',', v.Items);
        }

        if (v.Pairs is not null)
        {
            return Js.ObjectString;
        }

        return Js.ToJsString(v.Json) ?? string.Empty;
    }

    private static JsonElement AsJson(in ParamValue v)
    {
        if (v.HasJson)
        {
            return v.Json;
        }

        // Repeated and bracketed names are rare; build their JSON form on demand.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (v.Items is not null)
            {
                writer.WriteStartArray();
                foreach (var item in v.Items)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WriteStartObject();
                foreach (var (key, value) in v.Pairs ?? [])
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }
        }

        return JsonParsing.TryParse(buffer.WrittenSpan, 4, out var json) ? json : EmptyArray;
    }

    private static ParamBagResult ReadQuery(string query, bool isPost, RequestLimits limits, out int count)
    {
        count = 0;
        var start = query.StartsWith('?') ? 1 : 0;
        var rawQuery = query.AsSpan(start);
        if (rawQuery.Length > limits.MaxQueryLength)
        {
            return ParamBagResult.Fail(
                StatusCodes.Status413PayloadTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"Request URL is too long (limit {limits.MaxQueryLength} characters)"));
        }

        // Sized for the query's pairs (an SDK request has 10-13), so the entries array is not
        // the 17 of a fixed 16; a POST's body adds more, so it starts at 16 as before.
        var capacity = isPost ? 16 : Math.Clamp(rawQuery.Count('&') + 1, 4, 16);
        var bag = new ParamBag(query, start, isPost, limits.MaxJsonDepth, capacity);
        var error = bag.AddPairs(rawQuery, fromQuery: true, limits, ref count);
        return error is null ? ParamBagResult.Ok(bag) : ParamBagResult.Fail(StatusCodes.Status400BadRequest, error);
    }

    private static ParamBagResult BodyTooLarge(RequestLimits limits) =>
        ParamBagResult.Fail(
            StatusCodes.Status413PayloadTooLarge,
            string.Create(CultureInfo.InvariantCulture, $"Request body is too large (limit {limits.MaxBodyBytes} bytes)"));

    /// <summary>Reads at most <paramref name="max"/> + 1 bytes into a pooled buffer; a returned length above <paramref name="max"/> means too large.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(Stream body, long? contentLength, int max, CancellationToken ct)
    {
        var limit = max + 1L;
        var size = (int)Math.Min(limit, contentLength is > 0 ? contentLength.Value : 4096);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        var length = 0;
        try
        {
            while (length < limit)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, buffer.Length * 2L));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var toRead = (int)Math.Min(buffer.Length - length, limit - length);
                var read = await body.ReadAsync(buffer.AsMemory(length, toRead), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private async Task<string?> AddBodyAsync(string? contentType, byte[] buffer, int length, RequestLimits limits, int count, CancellationToken ct)
    {
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType);
        var type = mediaType?.MediaType.Value;
        // Countly's body parser (formidable) takes any content type that mentions "json" for JSON:
        // text/json, application/x-json and application/*+json as much as application/json.
        if (type is not null && type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return AddJsonBody(buffer.AsSpan(0, length), limits, count);
        }

        if (type is not null && type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType!.Boundary).Value;
            return string.IsNullOrEmpty(boundary) ? null : await AddMultipartAsync(buffer, length, boundary, limits, count, ct).ConfigureAwait(false);
        }

        // The SDKs send application/x-www-form-urlencoded. Countly (formidable) drops a body of any
        // other or no content type; reading it as a form instead is deliberately more lenient.
        return AddPairs(RawBody ?? string.Empty, fromQuery: false, limits, ref count);
    }

    private string? AddJsonBody(ReadOnlySpan<byte> body, RequestLimits limits, int count)
    {
        // A body that is not a JSON object (or is malformed, or too deep) adds no parameters.
        if (!JsonParsing.TryParse(body, limits.MaxJsonDepth, out var root) || root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (++count > limits.MaxParameters)
            {
                return TooManyParameters(limits);
            }

            var name = property.Name;
            if (name.Length > limits.MaxNameLength)
            {
                return NameTooLong(limits);
            }

            var value = ParamValue.OfJson(property.Value);
            if (value.Text is { } text && text.Length > limits.MaxValueLength)
            {
                return ValueTooLong(name, limits);
            }

            // The query wins; among body properties the last one wins, as with JSON.parse.
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_values, name, out var exists);
            if (!exists || !slot.FromQuery)
            {
                slot = value;
            }
        }

        return null;
    }

    private async Task<string?> AddMultipartAsync(byte[] buffer, int length, string boundary, RequestLimits limits, int count, CancellationToken ct)
    {
        var fields = new List<KeyValuePair<string, string>>();
        try
        {
            using var stream = new MemoryStream(buffer, 0, length, writable: false);
            var reader = new MultipartReader(boundary, stream) { BodyLengthLimit = limits.MaxValueLength * 4L };
            while (await reader.ReadNextSectionAsync(ct).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFormDisposition())
                {
                    continue; // files and anything that is not a plain form field are not parameters
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
                using var text = new StreamReader(section.Body, Encoding.UTF8);
                fields.Add(new(name, await text.ReadToEndAsync(ct).ConfigureAwait(false)));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            // A malformed multipart body adds no parameters, like a malformed JSON body.
            return null;
        }

        foreach (var (name, value) in fields)
        {
            var error = AddText(name, value, fromQuery: false, limits, ref count);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>Adds the pairs of an urlencoded string (query or form body).</summary>
    private string? AddPairs(ReadOnlySpan<char> text, bool fromQuery, RequestLimits limits, ref int count)
    {
        while (!text.IsEmpty)
        {
            var amp = text.IndexOf('&');
            var pair = amp < 0 ? text : text[..amp];
            text = amp < 0 ? default : text[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var rawName = eq < 0 ? pair : pair[..eq];
            var rawValue = eq < 0 ? default : pair[(eq + 1)..];
            if (rawName.IsEmpty)
            {
                continue; // "=x" names nothing a caller could ask for
            }

            if (rawName.Length > limits.MaxNameLength * 3)
            {
                return NameTooLong(limits);
            }

            var error = AddText(FormDecoding.DecodeName(rawName), FormDecoding.Decode(rawValue), fromQuery, limits, ref count);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>Adds one decoded name/value pair of a query, form or multipart body.</summary>
    private string? AddText(string name, string value, bool fromQuery, RequestLimits limits, ref int count)
    {
        if (name.Length == 0)
        {
            return null;
        }

        if (++count > limits.MaxParameters)
        {
            return TooManyParameters(limits);
        }

        if (name.Length > limits.MaxNameLength)
        {
            return NameTooLong(limits);
        }

        if (value.Length > limits.MaxValueLength)
        {
            return ValueTooLong(name, limits);
        }

        // "app_key[$regex]=^a": newer Countly parses bracket syntax into an object, so the
        // base name becomes a non-string that can never match an app key.
        string? inner = null;
        var open = name.IndexOf('[');
        if (open > 0 && name[^1] == ']')
        {
            inner = name[(open + 1)..^1];
            name = name[..open];
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_values, name, out var exists);
        if (!exists)
        {
            slot = inner is null
                ? ParamValue.OfText(value, fromQuery)
                : new ParamValue { Kind = JsonValueKind.Object, Pairs = [new(inner, value)], FromQuery = fromQuery };
            return null;
        }

        if (slot.FromQuery != fromQuery)
        {
            // The query is read first and wins over the body.
            return null;
        }

        if (inner is not null)
        {
            if (slot.Pairs is { } pairs)
            {
                pairs.Add(new(inner, value));
            }
            else
            {
                slot = new ParamValue { Kind = JsonValueKind.Object, Pairs = [new(inner, value)], FromQuery = fromQuery };
            }
        }
        else if (slot.Pairs is null)
        {
            // A repeated name becomes an array, as Node's querystring does.
            if (slot.Items is { } items)
            {
                items.Add(value);
            }
            else
            {
                slot = new ParamValue { Kind = JsonValueKind.Array, Items = [slot.Text ?? string.Empty, value], FromQuery = fromQuery };
            }
        }

        return null;
    }

    private static string TooManyParameters(RequestLimits limits) =>
        string.Create(CultureInfo.InvariantCulture, $"Too many parameters (limit {limits.MaxParameters})");

    private static string NameTooLong(RequestLimits limits) =>
        string.Create(CultureInfo.InvariantCulture, $"Parameter name is too long (limit {limits.MaxNameLength} characters)");

    private static string ValueTooLong(string name, RequestLimits limits) =>
        string.Create(CultureInfo.InvariantCulture, $"Parameter \"{name}\" is too long (limit {limits.MaxValueLength} characters)");
}
