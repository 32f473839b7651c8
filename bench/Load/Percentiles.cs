namespace Analytics.Bench.Load;

/// <summary>Latency summaries.</summary>
public static class Percentiles
{
    /// <summary><c>p50 p90 p99 p999 max mean</c> of <paramref name="sorted"/> (ascending).</summary>
    public static Dictionary<string, double> Of(IReadOnlyList<int> sorted)
    {
        if (sorted.Count == 0)
        {
            return new() { ["p50"] = 0, ["p90"] = 0, ["p99"] = 0, ["p999"] = 0, ["max"] = 0, ["mean"] = 0 };
        }

        return new()
        {
            ["p50"] = At(sorted, 0.50),
            ["p90"] = At(sorted, 0.90),
            ["p99"] = At(sorted, 0.99),
            ["p999"] = At(sorted, 0.999),
            ["max"] = sorted[^1],
            ["mean"] = sorted.Average(x => (double)x),
        };
    }

    /// <summary>The nearest-rank percentile <paramref name="q"/> (0..1) of <paramref name="sorted"/>.</summary>
    public static double At(IReadOnlyList<int> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
