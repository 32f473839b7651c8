namespace Analytics.Grains.Domain;

/// <summary>Countly's frequency (<c>f</c>) and session-duration (<c>ds</c>) buckets (spec §1.7).</summary>
public static class SessionBuckets
{
    /// <summary>Frequency bucket for the time since the previous session start; null when <paramref name="nowMs"/> is before it.</summary>
    public static string? Frequency(long previousSessionStartMs, long nowMs)
    {
        if (nowMs < previousSessionStartMs)
        {
            return null;
        }

        var hours = (nowMs - previousSessionStartMs) / 3_600_000d;
        return hours switch
        {
            < 24 => "1",
            < 48 => "2",
            < 72 => "3",
            < 96 => "4",
            < 120 => "5",
            < 144 => "6",
            < 168 => "7",
            < 192 => "8",
            < 360 => "9",
            // [360, 744) and >= 744 both map to "10": Countly's (faithful) quirk.
            _ => "10",
        };
    }

    /// <summary>Duration bucket for a finished session of <paramref name="seconds"/> seconds (inclusive ranges).</summary>
    public static string Duration(long seconds) => seconds switch
    {
        <= 10 => "0",
        <= 30 => "1",
        <= 60 => "2",
        <= 180 => "3",
        <= 600 => "4",
        <= 1800 => "5",
        <= 3600 => "6",
        _ => "7",
    };
}
