using System.Globalization;
using System.Text;

namespace Analytics.Bench.Load;

/// <summary>Averages of the <c>dotnet-counters collect --format csv</c> files of the server rounds (<c>--counters</c>).</summary>
public static class CountersSummary
{
    private static readonly string[] Interesting =
    [
        "dotnet.process.cpu.time", "dotnet.gc.pause.time", "dotnet.gc.heap.total_allocated", "dotnet.gc.collections",
        "dotnet.monitor.lock_contentions", "dotnet.thread_pool.queue.length", "dotnet.thread_pool.work_item.count",
        "dotnet.exceptions", "orleans-app-requests-latency", "orleans-catalog-activation-created", "orleans-catalog-activations[grain_type=device]",
        "orleans-catalog-activations[grain_type=devicebucket]",
    ];

    /// <summary>One line per interesting counter, averaged over every sample of <paramref name="files"/>; empty when there are none.</summary>
    public static string Of(IEnumerable<string> files)
    {
        var sums = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(',');
                if (fields.Length < 5 || !double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    continue;
                }

                var name = string.Join(",", fields[2..^2]);
                if (!Interesting.Any(i => name.StartsWith(i, StringComparison.Ordinal)))
                {
                    continue;
                }

                var (sum, count) = sums.GetValueOrDefault(name);
                sums[name] = (sum + value, count + 1);
            }
        }

        var text = new StringBuilder();
        foreach (var (name, (sum, count)) in sums.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {sum / count,16:N3}  {name}");
        }

        return text.ToString();
    }
}
