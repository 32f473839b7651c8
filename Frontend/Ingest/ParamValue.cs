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
    /// <summary>The JavaScript type the value has in Countly's <c>params.qstring</c>.</summary>
    public JsonValueKind Kind { get; init; }

    /// <summary>The text of a string value.</summary>
    public string? Text { get; init; }

    /// <summary>A JSON-typed value (non-string values of a JSON body or bulk item).</summary>
    public JsonElement Json { get; init; }

    /// <summary>Whether <see cref="Json"/> holds the value.</summary>
    public bool HasJson { get; init; }

    /// <summary>The values of a repeated query or form name, in order.</summary>
    public List<string>? Items { get; init; }

    /// <summary>The (inner, value) pairs of bracketed names such as <c>app_key[$regex]</c>.</summary>
    public List<KeyValuePair<string, string>>? Pairs { get; init; }

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

        return new() { Kind = json.ValueKind, Json = json, HasJson = true };
    }
}
