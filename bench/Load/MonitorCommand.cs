using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Analytics.Bench.Load;

/// <summary>
/// <c>monitor</c>: runs beside the write load of a server round. Reads the hot app's
/// <c>/o/analytics/dashboard</c> at a low fixed rate (each read on its own schedule, so a slow
/// one does not delay the next), samples the server's RSS from <c>/proc</c>, scrapes
/// <c>/metrics</c> for the managed heap and the active device grains, and measures the CPU
/// of the watched processes and of the whole machine.
/// </summary>
public static class MonitorCommand
{
    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CommandLine cl)
    {
        var url = cl.Required("url").TrimEnd('/');

        // The silo's /metrics when the reads go through a separate frontend (--frontend-tier).
        var metricsUrl = (cl.Optional("metrics-url") ?? url).TrimEnd('/');
        var apiKey = cl.Required("api-key");
        var appId = cl.Required("app-id");
        var duration = TimeSpan.FromSeconds(cl.Double("duration", 10));
        var rate = cl.Double("rate", 5);
        var output = cl.Required("out");

        // run.sh creates this file when the load has finished early (all its lines sent): the
        // figures then cover the load, not an idle tail up to --duration.
        var stopFile = cl.Optional("stop-file");
        var pids = cl.All("pid").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        cl.EnsureAllRead();
        if (!pids.TryGetValue("server", out var serverPidText))
        {
            throw new ArgumentException("--pid server=PID is required");
        }

        pids["monitor"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var serverPid = int.Parse(serverPidText, CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var result = new MonitorResult { RssStartKb = ProcStat.StatusKb(serverPid, "VmRSS") };
        var clock = Stopwatch.StartNew();
        bool Running() => clock.Elapsed < duration && (stopFile is null || !File.Exists(stopFile));

        var latencies = new ConcurrentBag<int>();
        var reads = new List<Task>();
        long errors = 0;
        var dashboardUrl = $"{url}/o/analytics/dashboard?api_key={Uri.EscapeDataString(apiKey)}&app_id={appId}";
        if (rate > 0)
        {
            // One untimed read first: this process's HttpClient, its connection and its JIT are
            // not the server's latency (a dashboard in a browser keeps its connection warm).
            try
            {
                using var warm = await http.GetAsync(dashboardUrl);
                _ = await warm.Content.ReadAsByteArrayAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
        }

        var reader = Task.Run(async () =>
        {
            // --rate 0: no dashboard reads, only the process figures.
            for (var i = 0; rate > 0; i++)
            {
                var due = TimeSpan.FromSeconds(i / rate);
                if (due >= duration || !Running())
                {
                    break;
                }

                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                reads.Add(Task.Run(async () =>
                {
                    var start = clock.ElapsedTicks;
                    try
                    {
                        using var response = await http.GetAsync(dashboardUrl);
                        _ = await response.Content.ReadAsByteArrayAsync();
                        if (!response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    latencies.Add((int)((clock.ElapsedTicks - start) * 1_000_000 / Stopwatch.Frequency));
                }));
            }
        });

        var firstScrape = true;
        var scraper = Task.Run(async () =>
        {
            while (Running())
            {
                try
                {
                    var text = await http.GetStringAsync($"{metricsUrl}/metrics");
                    var heap = Prometheus.HeapBytes(text);
                    if (firstScrape)
                    {
                        result.HeapStartBytes = heap;
                        firstScrape = false;
                    }

                    result.HeapEndBytes = heap;
                    result.HeapPeakBytes = Math.Max(result.HeapPeakBytes, heap);
                    result.DeviceGrainsPeak = Math.Max(result.DeviceGrainsPeak, Prometheus.DeviceGrains(text));
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(2000);
            }
        });

        var cpuStart = new Dictionary<string, (long Ticks, TimeSpan At)>();
        var cpuEnd = new Dictionary<string, (long Ticks, TimeSpan At)>();
        var machineStart = ProcStat.MachineTicks();
        while (Running())
        {
            foreach (var (name, pidText) in pids)
            {
                if (Pid(pidText) is not { } pid || ProcStat.CpuTicks(pid) is var ticks && ticks < 0)
                {
                    continue;
                }

                cpuStart.TryAdd(name, (ticks, clock.Elapsed));
                cpuEnd[name] = (ticks, clock.Elapsed);
            }

            var rss = ProcStat.StatusKb(serverPid, "VmRSS");
            result.RssPeakKb = Math.Max(result.RssPeakKb, rss);
            result.RssEndKb = rss;
            await Task.Delay(250);
        }

        var machineEnd = ProcStat.MachineTicks();
        result.HwmKb = ProcStat.StatusKb(serverPid, "VmHWM");
        foreach (var (name, start) in cpuStart)
        {
            var end = cpuEnd[name];
            var seconds = (end.At - start.At).TotalSeconds;
            result.CpuCores[name] = seconds > 0 ? Math.Round((end.Ticks - start.Ticks) / ProcStat.TicksPerSecond / seconds, 2) : 0;
        }

        result.CpuCores["machine"] = Math.Round((double)(machineEnd.Busy - machineStart.Busy) / (machineEnd.Total - machineStart.Total) * Environment.ProcessorCount, 2);
        await reader;
        await Task.WhenAll(reads);
        await scraper;
        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        result.DashboardRequests = sorted.Length;
        result.DashboardErrors = errors;
        result.DashboardLatencyUs = Percentiles.Of(sorted);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, Json.Options));
        return 0;
    }

    // "123" or "@file" (the PID written there once the process started).
    private static int? Pid(string text)
    {
        if (text.StartsWith('@'))
        {
            try
            {
                text = File.ReadAllText(text[1..]).Trim();
            }
            catch (IOException)
            {
                return null;
            }
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }
}
