using System.Globalization;
using System.Text;

namespace Analytics.Bench.Load;

/// <summary>Averages of the <c>dotnet-counters collect --format csv</c> files of the server rounds (<c>--counters</c>).</summary>
public static class CountersSummary
{
    private static readonly string[] Interesting =
    [
        "dotnet.process.cpu.time", "dotnet.gc.pause.time", "dotnet.gc.heap.total_allocated", "dotnet.gc.collections",
        "dotnet.monitor.lock_contentions", "dotnet.thread_pool.work_item.count",
        "dotnet.exceptions", "orleans-app-requests-latency", "orleans-catalog-activation-created", "orleans-catalog-activations[grain_type=device]",
        "orleans-catalog-activations[grain_type=devicebucket]",
    ];

    /// <summary>
    /// One line per interesting counter, averaged over every sampling second of
    /// <paramref name="files"/> (a rate that was zero has no row, so it counts as 0 there);
    /// empty when there are none.
    /// </summary>
    public static string Of(IEnumerable<string> files)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        var seconds = 0;
        foreach (var file in files)
        {
            var stamps = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(',');
                if (fields.Length < 5 || !double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    continue;
                }

                stamps.Add(fields[0]);
                var name = string.Join(",", fields[2..^2]);
                if (Interesting.Any(i => name.StartsWith(i, StringComparison.Ordinal)))
                {
                    sums[name] = sums.GetValueOrDefault(name) + value;
                }
            }

            seconds += stamps.Count;
        }

        var text = new StringBuilder();
        foreach (var (name, sum) in sums.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {sum / Math.Max(1, seconds),16:N3}  {name}");
        }

        return text.ToString();
    }
}
