namespace Analytics.Frontend.Output;

/// <summary>Which of Countly's response escapings applies to the strings of a body.</summary>
internal enum JsonEscaping
{
    /// <summary><c>noescape</c>: strings as they are.</summary>
    None,

    /// <summary>Data responses: full HTML escaping, JSON-looking strings re-escaped inside.</summary>
    Output,

    /// <summary>Message responses: <c>&lt;</c> and <c>&gt;</c> only.</summary>
    Message,
}
