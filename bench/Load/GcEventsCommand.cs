using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Analytics.Bench.Load;

/// <summary>
/// <c>gcevents</c>: reads the runtime's own GC events of a .NET process over its diagnostic port
/// (EventPipe) for a while, and writes one line per collection (generation, the pause from the
/// suspension's start to the restart's end, bytes promoted, and how the survivors were reached:
/// thread stacks, handles, or old objects through the card table) with a summary at the end;
/// with <c>--allocations</c> also the allocated bytes by type, sampled by the runtime about every
/// 100 KB (<c>GCAllocationTick</c>). docs/performance.md, "What a pause is made of", is built on it.
/// </summary>
public static class GcEventsCommand
{
    // GCMarkWithType's root kinds (the runtime's gc_root_kind).
    private static readonly string[] RootKinds = ["stack", "finalize-queue", "handles", "older-generation", "sized-ref", "overflow", "dependent-handles", "new-finalize-queue", "steal", "background"];

    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CommandLine cl)
    {
        var pid = int.Parse(cl.Required("pid"), CultureInfo.InvariantCulture);
        var seconds = cl.Double("seconds", 20);
        var delay = cl.Double("delay", 0);
        var allocations = cl.Optional("allocations") == "true";
        var output = cl.Required("out");
        var json = cl.Optional("json");
        cl.EnsureAllRead();
        if (delay > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(delay));
        }

        var collector = new Collector();
        try
        {
            var client = new DiagnosticsClient(pid);

            // Informational carries the collections' events; Verbose adds the allocation samples.
            var provider = new EventPipeProvider(ClrTraceEventParser.ProviderName, allocations ? EventLevel.Verbose : EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
            using var session = client.StartEventPipeSession(provider, requestRundown: false);
            using var source = new EventPipeEventSource(session.EventStream);
            collector.Attach(source, allocations);
            var processing = Task.Run(source.Process);
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            session.Stop();
            await processing;
        }
        catch (Exception e) when (e is DiagnosticsClientException or EndOfStreamException or IOException or TimeoutException)
        {
            await File.WriteAllTextAsync(output, $"gcevents: no events from process {pid}: {e.Message}\n");
            return 2;
        }

        await File.WriteAllTextAsync(output, collector.Text(seconds));
        if (json is not null)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(collector.Summary(seconds), new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    /// <summary>One collection as the events describe it.</summary>
    private sealed record Gc(double AtMs, int Generation, string Reason, double PauseMs, double SinceLastMs, long Promoted, IReadOnlyDictionary<int, long> MarkedByRoot);

    /// <summary>Pause and promoted-byte figures of the collections of one generation.</summary>
    public sealed record GenerationSummary(int Count, double PauseMinMs, double PauseMedianMs, double PauseMaxMs, double PromotedMinMb, double PromotedMaxMb);

    /// <summary>What <c>--json</c> writes (and the report reads).</summary>
    public sealed record EventsSummary(double Seconds, int Collections, double PausedSeconds, double OlderGenerationShare, GenerationSummary? Gen0, GenerationSummary? Gen1, GenerationSummary? Gen2);

    private sealed class Collector
    {
        private readonly List<Gc> _gcs = [];
        private readonly Dictionary<string, long> _allocated = new(StringComparer.Ordinal);
        private readonly Dictionary<int, long> _marks = [];
        private double _suspendStart;
        private double _lastRestart;
        private int _generation = -1;
        private string _reason = string.Empty;
        private long _promoted;

        public void Attach(EventPipeEventSource source, bool allocations)
        {
            var clr = source.Clr;
            clr.GCSuspendEEStart += e => _suspendStart = e.TimeStampRelativeMSec;
            clr.GCStart += e =>
            {
                _generation = e.Depth;
                _reason = e.Reason.ToString();
                _marks.Clear();

                // A background gen2 reports its heap only after it restarted the threads: 0, not the last collection's.
                _promoted = 0;
            };
            clr.GCMarkWithType += e => _marks[e.Type] = _marks.GetValueOrDefault(e.Type) + e.Promoted;

            // Promoted out of the collected generations: gen0's for a gen0 collection, and so on.
            clr.GCHeapStats += e => _promoted = _generation switch
            {
                0 => e.TotalPromotedSize0,
                1 => e.TotalPromotedSize0 + e.TotalPromotedSize1,
                _ => e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2,
            };
            clr.GCRestartEEStop += e =>
            {
                if (_generation < 0)
                {
                    return;
                }

                var at = e.TimeStampRelativeMSec;
                _gcs.Add(new Gc(at, _generation, _reason, at - _suspendStart, _lastRestart == 0 ? 0 : _suspendStart - _lastRestart, _promoted, new Dictionary<int, long>(_marks)));
                _lastRestart = at;
                _generation = -1;
            };
            if (allocations)
            {
                clr.GCAllocationTick += e =>
                {
                    var type = e.TypeName ?? "?";
                    _allocated[type] = _allocated.GetValueOrDefault(type) + e.AllocationAmount64;
                };
            }
        }

        public EventsSummary Summary(double seconds)
        {
            long promoted = 0, older = 0;
            foreach (var gc in _gcs)
            {
                promoted += gc.MarkedByRoot.Values.Sum();
                older += gc.MarkedByRoot.GetValueOrDefault(3);
            }

            return new EventsSummary(
                seconds,
                _gcs.Count,
                Math.Round(_gcs.Sum(g => g.PauseMs) / 1000, 3),
                promoted > 0 ? Math.Round((double)older / promoted, 3) : 0,
                Of(0),
                Of(1),
                Of(2));
        }

        public string Text(double seconds)
        {
            var text = new StringBuilder();
            foreach (var gc in _gcs)
            {
                var marked = string.Join(" ", gc.MarkedByRoot.Where(m => m.Value >= 1024).OrderByDescending(m => m.Value)
                    .Select(m => FormattableString.Invariant($"{(m.Key < RootKinds.Length ? RootKinds[m.Key] : m.Key.ToString(CultureInfo.InvariantCulture))} {m.Value / 1024} KB")));
                text.AppendLine(CultureInfo.InvariantCulture, $"{gc.AtMs,9:F0} ms  gen{gc.Generation} {gc.Reason,-14} pause {gc.PauseMs,6:F1} ms  {gc.SinceLastMs,6:F0} ms after the last  promoted {gc.Promoted / 1024,7} KB  reached from: {marked}");
            }

            var s = Summary(seconds);
            text.AppendLine(CultureInfo.InvariantCulture, $"summary: {s.Collections} collections in {seconds:F0} s, {s.PausedSeconds:F2} s paused; {s.OlderGenerationShare:P0} of the promoted bytes reached through the card table");
            foreach (var (name, g) in new[] { ("gen0", s.Gen0), ("gen1", s.Gen1), ("gen2", s.Gen2) })
            {
                if (g is not null)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"  {name}: {g.Count}, pause {g.PauseMinMs:F1} / {g.PauseMedianMs:F1} / {g.PauseMaxMs:F1} ms (min / median / max), promoted {g.PromotedMinMb:F1}-{g.PromotedMaxMb:F1} MB");
                }
            }

            if (_allocated.Count > 0)
            {
                var total = _allocated.Values.Sum();
                text.AppendLine(CultureInfo.InvariantCulture, $"allocated (sampled): {total / (1024 * 1024)} MB");
                foreach (var (type, bytes) in _allocated.OrderByDescending(a => a.Value).Take(40))
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"  {100.0 * bytes / total,6:F2} %  {type}");
                }
            }

            return text.ToString();
        }

        private GenerationSummary? Of(int generation)
        {
            var gcs = _gcs.Where(g => g.Generation == generation).ToList();
            if (gcs.Count == 0)
            {
                return null;
            }

            var pauses = gcs.Select(g => g.PauseMs).Order().ToList();
            return new GenerationSummary(
                gcs.Count,
                Math.Round(pauses[0], 1),
                Math.Round(pauses[(pauses.Count - 1) / 2], 1),
                Math.Round(pauses[^1], 1),
                Math.Round(gcs.Min(g => g.Promoted) / 1048576.0, 1),
                Math.Round(gcs.Max(g => g.Promoted) / 1048576.0, 1));
        }
    }
}
