using System.Text.Json;

namespace Analytics.Bench.Load;

/// <summary>What <c>monitor</c> saw during one server round (<c>monitor.json</c>).</summary>
public sealed class MonitorResult
{
    /// <summary>Dashboard reads sent.</summary>
    public long DashboardRequests { get; set; }

    /// <summary>Dashboard reads that failed or were not 200.</summary>
    public long DashboardErrors { get; set; }

    /// <summary>Dashboard latency percentiles, microseconds.</summary>
    public Dictionary<string, double> DashboardLatencyUs { get; set; } = [];

    /// <summary>Server RSS at the start, kB.</summary>
    public long RssStartKb { get; set; }

    /// <summary>Highest sampled server RSS, kB.</summary>
    public long RssPeakKb { get; set; }

    /// <summary>Server RSS at the end, kB.</summary>
    public long RssEndKb { get; set; }

    /// <summary>The kernel's peak RSS of the server process since it started (VmHWM), kB.</summary>
    public long HwmKb { get; set; }

    /// <summary>Managed heap after the last GC at the start, bytes.</summary>
    public double HeapStartBytes { get; set; }

    /// <summary>Highest managed heap after a GC seen, bytes.</summary>
    public double HeapPeakBytes { get; set; }

    /// <summary>Managed heap after the last GC at the end, bytes.</summary>
    public double HeapEndBytes { get; set; }

    /// <summary>Most active device grains seen.</summary>
    public double DeviceGrainsPeak { get; set; }

    /// <summary>CPU used per watched process, in cores (1.0 = one core busy), plus <c>machine</c> for everything.</summary>
    public Dictionary<string, double> CpuCores { get; set; } = [];

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static MonitorResult Read(string path) =>
        JsonSerializer.Deserialize<MonitorResult>(File.ReadAllText(path), Json.Options) ?? throw new InvalidDataException(path);
}
