using System.Globalization;

namespace Analytics.Frontend.Output;

/// <summary>
/// Countly's dashboard strings (<c>getPercentChange</c>, <c>getShortNumber</c>, <c>timeString</c>),
/// reproduced on JavaScript numbers because the strings are compared as text.
/// </summary>
public static class CountlyFormat
{
    /// <summary>
    /// The change from <paramref name="previous"/> to <paramref name="current"/>: <c>("NA","u")</c> when
    /// previous is 0, <c>("∞","d")</c> when current is 0, else the one-decimal percentage, shortened
    /// with K/M, followed by <c>%</c>, trend <c>d</c> when negative.
    /// </summary>
    public static (string Change, string Trend) PercentChange(double previous, double current)
    {
        if (previous == 0)
        {
            return ("NA", "u");
        }

        if (current == 0)
        {
            return ("∞", "d");
        }

        var change = JsNumber.ToFixed((current - previous) / previous * 100, 1);
        // JavaScript compares the toFixed string numerically: "-0.0" < 0 is false.
        var trend = double.Parse(change, CultureInfo.InvariantCulture) < 0 ? "d" : "u";
        return (ShortNumber(change) + "%", trend);
    }

    /// <summary>Countly's <c>getShortNumber</c> of a number given as JavaScript text: 12345.6 → "12.3K", 1200000 → "1.2M", first ".0" removed.</summary>
    public static string ShortNumber(string number)
    {
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        if (value >= 1_000_000 || value <= -1_000_000)
        {
            return RemoveFirstPointZero(JsNumber.ToFixed(value / 1_000_000, 1)) + "M";
        }

        if (value >= 10_000 || value <= -10_000)
        {
            return RemoveFirstPointZero(JsNumber.ToFixed(value / 1000, 1)) + "K";
        }

        return RemoveFirstPointZero(number);
    }

    /// <summary>
    /// Countly's <c>timeString</c> of <paramref name="minutes"/>: "N.N min", or hours from 60 min, days
    /// from 1440 min, years from 142560 min (99 days, Countly's threshold), each with one decimal.
    /// </summary>
    public static string TimeString(double minutes)
    {
        if (minutes >= 142_560)
        {
            return JsNumber.ToFixed(minutes / 525_600, 1) + " years";
        }

        if (minutes >= 1440)
        {
            return JsNumber.ToFixed(minutes / 1440, 1) + " days";
        }

        if (minutes >= 60)
        {
            return JsNumber.ToFixed(minutes / 60, 1) + " hours";
        }

        return JsNumber.ToFixed(minutes, 1) + " min";
    }

    // JavaScript's String.prototype.replace(".0", "") replaces the first occurrence only.
    private static string RemoveFirstPointZero(string text)
    {
        var at = text.IndexOf(".0", StringComparison.Ordinal);
        return at < 0 ? text : text.Remove(at, 2);
    }
}
