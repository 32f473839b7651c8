using System.Text.Json;

namespace Analytics.Frontend.Ingest;

/// <summary>
/// One entry of a <see cref="ParamBag"/>: a decoded string (query, form, multipart, or a
/// JSON-body string), a JSON-typed value from a JSON body or a bulk item, a list of strings
/// (a name repeated in a query or form, which Node's <c>querystring</c> turns into an array),
/// or bracket pairs (<c>app_key[$regex]=…</c>, which newer Countly parses into an object).
/// </summary>
internal readonly record struct ParamValue
{
    // At most one of a JSON value, a list of strings or bracket pairs is set, so they share one
    // field: every request's bag holds an entry per parameter, and the entry array was about 6 %
    // of the silo's allocated bytes with a field each (docs/performance.md, "Allocations per request").
    private readonly object? _other;

    /// <summary>The JavaScript type the value has in Countly's <c>params.qstring</c>.</summary>
    public JsonValueKind Kind { get; init; }

    /// <summary>The text of a string value.</summary>
    public string? Text { get; init; }

    /// <summary>A JSON-typed value (non-string values of a JSON body or bulk item).</summary>
    public JsonElement Json
    {
        get => _other is JsonBox box ? box.Value : default;
        init => _other = new JsonBox(value);
    }

    /// <summary>Whether <see cref="Json"/> holds the value.</summary>
    public bool HasJson => _other is JsonBox;

    /// <summary>The values of a repeated query or form name, in order.</summary>
    public List<string>? Items
    {
        get => _other as List<string>;
        init => _other = value;
    }

    /// <summary>The (inner, value) pairs of bracketed names such as <c>app_key[$regex]</c>.</summary>
    public List<KeyValuePair<string, string>>? Pairs
    {
        get => _other as List<KeyValuePair<string, string>>;
        init => _other = value;
    }

    /// <summary>Whether the value came from the URL query (which wins over the body).</summary>
    public bool FromQuery { get; init; }

    /// <summary>A plain string value.</summary>
    public static ParamValue OfText(string text, bool fromQuery) =>
        new() { Kind = JsonValueKind.String, Text = text, FromQuery = fromQuery };

    /// <summary>A JSON-typed value; JSON strings are stored as text so they behave like query strings.</summary>
    public static ParamValue OfJson(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.String)
        {
            Js.TryGetString(json, out var text);
            return OfText(text, fromQuery: false);
        }

        return new() { Kind = json.ValueKind, Json = json };
    }

    private sealed class JsonBox(JsonElement value)
    {
        public JsonElement Value { get; } = value;
    }
}
