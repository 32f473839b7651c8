using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analytics.Bench.Load;

/// <summary>
/// <c>report</c>: turns a results folder of <c>bench/run.sh</c> into the figures of
/// bench/README.md: medians of baseline and server throughput and their ratio, the server's
/// latency and error counts, Table Storage transactions per 1,000 requests, memory, the
/// dashboard's latency under load, CPU per process, and the exactness verdict.
/// </summary>
public static class ReportCommand
{
    /// <summary>Runs the command.</summary>
    public static int Run(CommandLine cl)
    {
        var dir = cl.Required("dir");
        cl.EnsureAllRead();

        var rounds = Directory.GetDirectories(dir, "round-*")
            .OrderBy(d => int.TryParse(Path.GetFileName(d)["round-".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)
            .ToList();
        var baseline = rounds.Select(r => Path.Combine(r, "baseline.json")).Where(File.Exists).Select(RoundResult.Read).ToList();
        var server = rounds.Select(r => Path.Combine(r, "server.json")).Where(File.Exists).Select(RoundResult.Read).ToList();
        var monitors = rounds.Select(r => Path.Combine(r, "monitor.json")).Where(File.Exists).Select(MonitorResult.Read).ToList();
        var expected = rounds.Select(r => Path.Combine(r, "expected.json")).Where(File.Exists).Select(Expected.Read).ToList();
        var config = File.Exists(Path.Combine(dir, "config.json")) ? JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))) : null;
        var verify = File.Exists(Path.Combine(dir, "verify.json")) ? JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "verify.json"))) : null;

        var summary = new JsonObject { ["config"] = config?.DeepClone() };
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"== Analytics /i benchmark: {dir}");
        if (config is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"   {config["devices"]} devices/round, {config["connections"]} connections, {config["duration"]} s x {config["rounds"]} rounds (B S alternately), driver {config["driver"]}, malformed {config["malformed"]}, machine: {config["machine"]}");
            if (config["rate"]?.GetValue<double>() is > 0 and var rate)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"   open-loop: {rate:N0} requests/s offered to each target, latency counted from each request's due time (the ratio compares what was served of the same offer, not capacities)");
            }
        }

        text.AppendLine("round  target    req/s      p50 ms   p99 ms   p99.9 ms  non-2xx  malformed(4xx)  retries  in-flight re-sent");
        for (var i = 0; i < rounds.Count; i++)
        {
            foreach (var (name, file) in new[] { ("baseline", "baseline.json"), ("server", "server.json") })
            {
                var path = Path.Combine(rounds[i], file);
                if (!File.Exists(path))
                {
                    continue;
                }

                var r = RoundResult.Read(path);
                var exhausted = r.Connections.Count(c => c.Exhausted);
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"{i + 1,5}  {name,-8} {r.Rps,9:N0}  {Ms(r.LatencyUs, "p50"),7}  {Ms(r.LatencyUs, "p99"),7}  {Ms(r.LatencyUs, "p999"),8}  {r.UnexpectedNon2xx,7}  {r.Malformed,6} ({r.Malformed4xx})  {r.Retries,7}  {r.Finished,5}{(exhausted > 0 && name == "server" ? $"  WARNING: {exhausted} connection(s) ran out of lines: use more --devices" : "")}");
            }
        }

        var baseRps = Median(baseline.Select(r => r.Rps));
        var serverRps = Median(server.Select(r => r.Rps));
        var serverRequests = server.Sum(r => r.Requests + r.Finished);
        var devices = expected.Sum(e => e.Devices);
        summary["baselineRps"] = Math.Round(baseRps);
        summary["serverRps"] = Math.Round(serverRps);
        summary["ratio"] = baseRps > 0 ? Math.Round(serverRps / baseRps, 3) : null;
        summary["serverP50Ms"] = Math.Round(Median(server.Select(r => r.LatencyUs.GetValueOrDefault("p50") / 1000)), 2);
        summary["serverP99Ms"] = Math.Round(Median(server.Select(r => r.LatencyUs.GetValueOrDefault("p99") / 1000)), 2);
        summary["serverRequests"] = serverRequests;
        summary["unexpectedNon2xx"] = server.Sum(r => r.UnexpectedNon2xx);
        summary["malformed"] = server.Sum(r => r.Malformed);
        summary["malformed4xx"] = server.Sum(r => r.Malformed4xx);
        summary["status5xx"] = server.Sum(r => r.Status5xx);
        summary["devicesSeen"] = devices;

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"baseline (Kestrel, parse only)  median {baseRps,9:N0} req/s   over {baseline.Count} round(s)");
        text.AppendLine(CultureInfo.InvariantCulture, $"server (silo + Azurite)         median {serverRps,9:N0} req/s   over {server.Count} round(s)");
        text.AppendLine(CultureInfo.InvariantCulture, $"ratio server/baseline           {(baseRps > 0 ? serverRps / baseRps : 0),9:P1}");
        text.AppendLine(CultureInfo.InvariantCulture, $"server latency (median of rounds) p50 {summary["serverP50Ms"]} ms, p99 {summary["serverP99Ms"]} ms");
        text.AppendLine(CultureInfo.InvariantCulture, $"server non-2xx (unexpected)     {summary["unexpectedNon2xx"]}  (5xx {summary["status5xx"]}; malformed requests {summary["malformed"]}, of which 4xx {summary["malformed4xx"]}, counted apart)");

        var start = Read(Path.Combine(dir, "metrics-start.txt"));
        var final = Read(Path.Combine(dir, "metrics-final.txt"));
        if (start is not null && final is not null && serverRequests > 0)
        {
            var tx = Prometheus.Transactions(final) - Prometheus.Transactions(start);
            summary["transactions"] = tx;
            summary["transactionsPer1000"] = Math.Round(tx * 1000 / serverRequests, 2);
            var during = new List<string>();
            foreach (var r in rounds)
            {
                var before = Read(Path.Combine(r, "metrics-before.txt"));
                var after = Read(Path.Combine(r, "metrics-after.txt"));
                var res = Path.Combine(r, "server.json");
                if (before is not null && after is not null && File.Exists(res) && RoundResult.Read(res).Requests is var n && n > 0)
                {
                    during.Add(((Prometheus.Transactions(after) - Prometheus.Transactions(before)) * 1000 / n).ToString("F2", CultureInfo.InvariantCulture));
                }
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"Table Storage transactions      {tx:N0} for {serverRequests:N0} requests = {summary["transactionsPer1000"]} per 1,000 (incl. the final flush; during load per round: {string.Join(", ", during)})");
            var startOps = Prometheus.ByLabel(start, "analytics_storage_transactions_total", "op");
            var byOp = Prometheus.ByLabel(final, "analytics_storage_transactions_total", "op")
                .Select(p => (Op: p.Key, Count: p.Value - startOps.GetValueOrDefault(p.Key)))
                .Where(p => p.Count > 0)
                .OrderByDescending(p => p.Count)
                .ToList();
            summary["transactionsByOp"] = new JsonObject(byOp.Select(p => KeyValuePair.Create(p.Op, (JsonNode?)p.Count)));
            text.AppendLine(CultureInfo.InvariantCulture, $"  by operation (per 1,000 requests): {string.Join(", ", byOp.Select(p => $"{p.Op} {p.Count * 1000 / serverRequests:F1}"))}");
        }

        // Per-grain-type call rates during the server rounds (analytics_grain_calls_total): which
        // grains the load reaches and whether one type carries a disproportionate share.
        var callRates = new Dictionary<string, (double Calls, double Seconds, long Requests)>();
        foreach (var r in rounds)
        {
            var before = Read(Path.Combine(r, "metrics-before.txt"));
            var after = Read(Path.Combine(r, "metrics-after.txt"));
            var res = Path.Combine(r, "server.json");
            if (before is null || after is null || !File.Exists(res))
            {
                continue;
            }

            var round = RoundResult.Read(res);
            var startCalls = Prometheus.ByLabel(before, "analytics_grain_calls_total", "grain");
            foreach (var (grain, count) in Prometheus.ByLabel(after, "analytics_grain_calls_total", "grain"))
            {
                var prev = callRates.GetValueOrDefault(grain);
                callRates[grain] = (prev.Calls + count - startCalls.GetValueOrDefault(grain), prev.Seconds + round.DurationSec, prev.Requests + round.Requests);
            }
        }

        if (callRates.Count > 0)
        {
            var ordered = callRates.Where(p => p.Value.Calls > 0).OrderByDescending(p => p.Value.Calls).ToList();
            summary["grainCallsPerSecond"] = new JsonObject(ordered.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Math.Round(p.Value.Calls / Math.Max(1, p.Value.Seconds)))));
            text.AppendLine(CultureInfo.InvariantCulture, $"grain calls during server rounds  {string.Join(", ", ordered.Select(p => $"{p.Key} {p.Value.Calls / Math.Max(1, p.Value.Seconds):N0}/s ({p.Value.Calls * 1000 / Math.Max(1, p.Value.Requests):F0} per 1,000 req)"))}");
        }

        if (monitors.Count > 0)
        {
            var peakRss = monitors.Max(m => m.RssPeakKb);
            var hwm = monitors.Max(m => m.HwmKb);
            var rssStart = monitors[0].RssStartKb;
            var heapStart = monitors[0].HeapStartBytes;
            var heapPeak = monitors.Max(m => m.HeapPeakBytes);
            var dash = monitors.Select(m => m.DashboardLatencyUs.GetValueOrDefault("p99") / 1000).ToList();
            summary["peakWorkingSetMb"] = Math.Round(Math.Max(peakRss, hwm) / 1024.0, 1);
            summary["heapPeakMb"] = Math.Round(heapPeak / 1048576, 1);
            summary["managedBytesPerDevice"] = devices > 0 ? Math.Round((heapPeak - heapStart) / devices) : null;
            summary["rssBytesPerDevice"] = devices > 0 ? Math.Round((Math.Max(peakRss, hwm) - rssStart) * 1024.0 / devices) : null;
            summary["deviceGrainsPeak"] = monitors.Max(m => m.DeviceGrainsPeak);
            summary["dashboardP99Ms"] = Math.Round(dash.Max(), 1);
            summary["dashboardP50Ms"] = Math.Round(Median(monitors.Select(m => m.DashboardLatencyUs.GetValueOrDefault("p50") / 1000)), 1);
            summary["dashboardErrors"] = monitors.Sum(m => m.DashboardErrors);
            text.AppendLine(CultureInfo.InvariantCulture, $"server peak working set         {summary["peakWorkingSetMb"]} MB (VmHWM {hwm / 1024.0:F0} MB; RSS before the first round {rssStart / 1024.0:F0} MB)");
            text.AppendLine(CultureInfo.InvariantCulture, $"memory per device seen          managed {summary["managedBytesPerDevice"]} B (GC heap {heapStart / 1048576:F0} -> peak {heapPeak / 1048576:F0} MB), RSS {summary["rssBytesPerDevice"]} B, over {devices:N0} devices; peak active device grains {summary["deviceGrainsPeak"]}");
            text.AppendLine(CultureInfo.InvariantCulture, $"dashboard under load            p50 {summary["dashboardP50Ms"]} ms, p99 {summary["dashboardP99Ms"]} ms (worst round), {monitors.Sum(m => m.DashboardRequests)} reads, {summary["dashboardErrors"]} errors");
            var cpu = new JsonObject();
            foreach (var name in monitors.SelectMany(m => m.CpuCores.Keys).Distinct())
            {
                cpu[name] = Math.Round(monitors.Average(m => m.CpuCores.GetValueOrDefault(name)), 2);
            }

            var ours = cpu.Where(p => p.Key != "machine").Sum(p => p.Value!.GetValue<double>());
            cpu["other"] = Math.Round(Math.Max(0, (cpu["machine"]?.GetValue<double>() ?? 0) - ours), 2);
            summary["cpuCores"] = cpu;
            text.AppendLine(CultureInfo.InvariantCulture, $"CPU during server rounds (cores) {string.Join(", ", cpu.Select(p => $"{p.Key} {p.Value}"))} of {Environment.ProcessorCount}");
            if (cpu["other"]!.GetValue<double>() > 0.2)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"WARNING: other work used {cpu["other"]} cores during the server rounds: these figures are not from an idle machine");
            }

            AppendPerRound(text, summary, rounds);
        }

        var counters = CountersSummary.Of(rounds.Select(r => Path.Combine(r, "counters.csv")).Where(File.Exists));
        if (counters.Length > 0)
        {
            text.AppendLine("dotnet-counters, server rounds (averages):");
            text.Append(counters);
        }

        var exact = verify?["exact"]?.GetValue<bool>();
        summary["exact"] = exact;
        text.AppendLine(CultureInfo.InvariantCulture, $"exactness (/o vs generator)     {(exact is null ? "not checked" : exact.Value ? "EXACT" : "MISMATCH")}");
        Console.Write(text);
        File.WriteAllText(Path.Combine(dir, "summary.txt"), text.ToString());
        File.WriteAllText(Path.Combine(dir, "summary.json"), summary.ToJsonString(Json.Options));
        return 0;
    }

    /// <summary>
    /// Per server round: CPU per request of the server, Azurite and the load generator (the
    /// server's relative to the load generator's moves less between runs on a shared box than
    /// the ratio to the baseline does), the dashboard's p99, and the GC figures from the
    /// runtime's counters scraped before and after the round (bytes allocated per request,
    /// collections, time paused); and the baseline round's CPU per request, measured by the same
    /// monitor.
    /// </summary>
    private static void AppendPerRound(StringBuilder text, JsonObject summary, List<string> rounds)
    {
        var cpuLines = new List<string>();
        var gcLines = new List<string>();
        var gcEventLines = new List<string>();
        var dashLines = new List<string>();
        var baseLines = new List<string>();
        var perRound = new JsonArray();
        foreach (var r in rounds)
        {
            var res = Path.Combine(r, "server.json");
            var mon = Path.Combine(r, "monitor.json");
            if (!File.Exists(res) || !File.Exists(mon))
            {
                continue;
            }

            var round = RoundResult.Read(res);
            var monitor = MonitorResult.Read(mon);
            if (round.Rps <= 0)
            {
                continue;
            }

            double Us(string process) => UsPerRequest(monitor, process, round.Rps);
            // With --frontend-tier the HTTP work runs in the frontend process: count it in.
            var (silo, frontend, azurite, load) = (Us("server"), Us("frontend"), Us("azurite"), Us("load"));
            var server = silo + frontend;
            var dashboardP99 = monitor.DashboardLatencyUs.GetValueOrDefault("p99") / 1000;
            var entry = new JsonObject
            {
                ["round"] = Path.GetFileName(r),
                ["serverUsPerRequest"] = Math.Round(server, 1),
                ["frontendUsPerRequest"] = Math.Round(frontend, 1),
                ["azuriteUsPerRequest"] = Math.Round(azurite, 1),
                ["loadUsPerRequest"] = Math.Round(load, 1),
                ["dashboardP99Ms"] = Math.Round(dashboardP99, 1),
            };
            var serverText = frontend > 0 ? FormattableString.Invariant($"{silo:F0} + frontend {frontend:F0}") : FormattableString.Invariant($"{server:F0}");
            cpuLines.Add(FormattableString.Invariant($"{serverText} / {azurite:F0} / {load:F0} µs ({(load > 0 ? server / load : 0):F2})"));
            dashLines.Add(FormattableString.Invariant($"{dashboardP99:F1} ms"));

            var before = Read(Path.Combine(r, "metrics-before.txt"));
            var after = Read(Path.Combine(r, "metrics-after.txt"));
            if (before is not null && after is not null && round.Requests > 0)
            {
                double Delta(string metric) => Prometheus.Sum(after, metric) - Prometheus.Sum(before, metric);
                var kb = Delta("dotnet_gc_heap_total_allocated_bytes_total") / round.Requests / 1024;
                var collections = Delta("dotnet_gc_collections_total");
                var paused = Delta("dotnet_gc_pause_time_seconds_total");
                entry["allocatedKbPerRequest"] = Math.Round(kb, 1);
                entry["collections"] = collections;
                entry["pausedSeconds"] = Math.Round(paused, 2);

                // The mean pause is what a request caught by a collection waits (docs/performance.md, "What a pause is made of").
                var meanPauseMs = collections > 0 ? paused * 1000 / collections : 0;
                entry["meanPauseMs"] = Math.Round(meanPauseMs, 1);
                gcLines.Add(FormattableString.Invariant($"{kb:F1} KB per request, {collections:F0} collections, {paused:F2} s paused ({meanPauseMs:F0} ms each)"));
            }

            // bench/run.sh --gc-events: the silo's own GC events over the middle of the round.
            var gcEvents = Path.Combine(r, "gc-events.json");
            if (File.Exists(gcEvents) && File.ReadAllText(gcEvents) is var eventsJson && JsonSerializer.Deserialize<GcEventsCommand.EventsSummary>(eventsJson) is { } events)
            {
                entry["gcEvents"] = JsonNode.Parse(eventsJson);
                gcEventLines.Add(GcEventsLine(events));
            }

            var baseMon = Path.Combine(r, "baseline-monitor.json");
            var baseRes = Path.Combine(r, "baseline.json");
            if (File.Exists(baseMon) && File.Exists(baseRes) && RoundResult.Read(baseRes) is { Rps: > 0 } baseRound)
            {
                var baseMonitor = MonitorResult.Read(baseMon);
                var baseCpu = baseMonitor.CpuCores;
                var (baseline, baseLoad) = (UsPerRequest(baseMonitor, "server", baseRound.Rps), UsPerRequest(baseMonitor, "load", baseRound.Rps));
                entry["baselineUsPerRequest"] = Math.Round(baseline, 1);
                entry["baselineLoadUsPerRequest"] = Math.Round(baseLoad, 1);
                entry["baselineMachineCores"] = baseCpu.GetValueOrDefault("machine");
                baseLines.Add(FormattableString.Invariant(
                    $"{baseline:F0} / {baseLoad:F0} µs, machine {baseCpu.GetValueOrDefault("machine"):F2} cores (server rounds: {monitor.CpuCores.GetValueOrDefault("machine"):F2}; monitor {baseCpu.GetValueOrDefault("monitor"):F2} and {monitor.CpuCores.GetValueOrDefault("monitor"):F2})"));
            }

            perRound.Add(entry);
        }

        summary["serverRounds"] = perRound;
        if (cpuLines.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"CPU per request, per round      server / Azurite / load generator: {string.Join("; ", cpuLines)} (in brackets: server / load generator, steadier between runs than the ratio)");
            text.AppendLine(CultureInfo.InvariantCulture, $"dashboard p99 per round         {string.Join("; ", dashLines)}");
        }

        if (baseLines.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"baseline CPU per request        baseline / load generator: {string.Join("; ", baseLines)}");
        }

        if (gcLines.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"server GC per round             {string.Join("; ", gcLines)}");
        }

        if (gcEventLines.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"server GC events per round      {string.Join("; ", gcEventLines)}");
        }
    }

    /// <summary>One round's <c>gcevents</c> summary: the gen0 and gen1 pauses, what gen0 promoted, and how it was reached.</summary>
    private static string GcEventsLine(GcEventsCommand.EventsSummary e)
    {
        static string Of(string name, GcEventsCommand.GenerationSummary? g) => g is null
            ? string.Empty
            : FormattableString.Invariant($", {name} {g.Count} (pause median {g.PauseMedianMs:F0} ms, max {g.PauseMaxMs:F0} ms, promoted {g.PromotedMinMb:F1}-{g.PromotedMaxMb:F1} MB)");
        return FormattableString.Invariant($"{e.Seconds:F0} s: {e.Collections} collections, {e.PausedSeconds:F2} s paused{Of("gen0", e.Gen0)}{Of("gen1", e.Gen1)}{Of("gen2", e.Gen2)}, {e.OlderGenerationShare:P0} of the promoted bytes reached through the card table");
    }

    /// <summary>CPU of <paramref name="process"/> in µs per request of a round served at <paramref name="rps"/>.</summary>
    private static double UsPerRequest(MonitorResult monitor, string process, double rps) =>
        monitor.CpuCores.GetValueOrDefault(process) * 1e6 / rps;

    private static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    private static string Ms(Dictionary<string, double> latency, string key) =>
        (latency.GetValueOrDefault(key) / 1000).ToString("F2", CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0)
        {
            return 0;
        }

        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }
}
