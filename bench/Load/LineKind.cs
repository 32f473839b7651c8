namespace Analytics.Bench.Load;

/// <summary>
/// The first character of each generated line (<c>K /i?…</c>): what the request is, so the
/// load generators can count malformed requests apart and the tally can tell expectations.
/// </summary>
public static class LineKind
{
    /// <summary><c>begin_session=1</c> with metrics.</summary>
    public const char Begin = 'B';

    /// <summary>A batch of 1–3 events.</summary>
    public const char Events = 'E';

    /// <summary><c>session_duration=30</c>.</summary>
    public const char Duration = 'D';

    /// <summary><c>end_session=1&amp;session_duration=0</c>, as the Node SDK sends it right after an update.</summary>
    public const char End = 'X';

    /// <summary>Broken <c>events</c> JSON from a device in session: Countly ignores the JSON and answers 200, the request still counts one <c>e</c>.</summary>
    public const char BrokenJson = 'J';

    /// <summary>Missing <c>app_key</c> or <c>device_id</c>, or an unknown app key: answered 4xx, counts nothing.</summary>
    public const char Malformed = 'M';

    /// <summary>Whether lines of this kind belong to the malformed share of the mix.</summary>
    public static bool IsMalformed(char kind) => kind is BrokenJson or Malformed;
}
