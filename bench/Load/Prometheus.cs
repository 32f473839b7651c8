using System.Globalization;

namespace Analytics.Bench.Load;

/// <summary>Reads values out of a Prometheus text exposition (the server's <c>/metrics</c>).</summary>
public static class Prometheus
{
    /// <summary>The sum of every sample of <paramref name="metric"/> whose labels contain <paramref name="labelFilter"/> (e.g. <c>grain_type="device"</c>); 0 when there is none.</summary>
    public static double Sum(string text, string metric, string? labelFilter = null)
    {
        double sum = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[metric.Length..];
            if (rest.IsEmpty || (rest[0] != '{' && rest[0] != ' '))
            {
                continue;
            }

            if (labelFilter is not null && (rest[0] != '{' || !rest[..(rest.IndexOf('}') + 1)].Contains(labelFilter, StringComparison.Ordinal)))
            {
                continue;
            }

            var value = rest[(rest.LastIndexOf('}') + 1)..].Trim();
            var space = value.IndexOf(' ');
            if (space > 0)
            {
                value = value[..space];
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                sum += v;
            }
        }

        return sum;
    }

    /// <summary>The samples of <paramref name="metric"/> summed per value of label <paramref name="label"/> (e.g. <c>op</c>).</summary>
    public static Dictionary<string, double> ByLabel(string text, string metric, string label)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var marker = label + "=\"";
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim().ToString();
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal))
            {
                continue;
            }

            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var start = at + marker.Length;
            var value = line[(start)..line.IndexOf('"', start)];
            result[value] = result.GetValueOrDefault(value) + Sum(line, metric, marker + value + "\"");
        }

        return result;
    }

    /// <summary>Table Storage transactions: ours (<c>analytics_storage_transactions_total</c>) plus Orleans' grain-storage reads and writes.</summary>
    public static double Transactions(string text) =>
        Sum(text, "analytics_storage_transactions_total")
        + Sum(text, "orleans_storage_read_latency_milliseconds_count")
        + Sum(text, "orleans_storage_write_latency_milliseconds_count");

    /// <summary>Managed heap size after the last GC, all generations.</summary>
    public static double HeapBytes(string text) => Sum(text, "dotnet_gc_last_collection_heap_size_bytes");

    /// <summary>Active device grains.</summary>
    public static double DeviceGrains(string text) => Sum(text, "orleans_catalog_activations", "grain_type=\"device\"");
}
