using Microsoft.Extensions.Options;

namespace Analytics.Grains.Live;

/// <summary>
/// One app's live numbers: the sum of the latest report of every silo (a silo silent for
/// 10 s no longer counts), per-minute series of the last hour and all-time maxima sampled
/// from the reports (docs/api.md, "live").
/// </summary>
public sealed class LiveGrain(IOptions<LiveOptions> options) : Grain, ILiveGrain
{
    private const int Minutes = 60;
    private readonly Dictionary<string, LiveReport> _sources = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, Minute> _minutes = [];
    private long _maxOnline;
    private long _maxNewOnline;

    Task ILiveGrain.ReportAsync(LiveReport report)
    {
        _sources[report.Source] = report;
        foreach (var m in report.Minutes)
        {
            var minute = MinuteAt(m.Time);
            minute.Sessions += m.Sessions;
            minute.Requests += m.Requests;
            minute.Events += m.Events;
        }

        var (online, newOnline) = Totals(report.At);
        var current = MinuteAt(report.At / 60_000 * 60_000);
        current.Online = Math.Max(current.Online, online);
        current.NewOnline = Math.Max(current.NewOnline, newOnline);
        _maxOnline = Math.Max(_maxOnline, online);
        _maxNewOnline = Math.Max(_maxNewOnline, newOnline);
        while (_minutes.Count > Minutes + 5)
        {
            _minutes.Remove(_minutes.Keys.First());
        }

        return Task.CompletedTask;
    }

    Task<LiveNow> ILiveGrain.GetAsync()
    {
        var (online, newOnline) = Totals(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return Task.FromResult(new LiveNow { Online = online, NewOnline = newOnline, MaxOnline = Math.Max(_maxOnline, online), MaxNewOnline = Math.Max(_maxNewOnline, newOnline) });
    }

    Task<LiveMinute[]> ILiveGrain.GraphAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (online, newOnline) = Totals(now);
        var last = now / 60_000 * 60_000;
        var points = new LiveMinute[Minutes];
        for (var i = 0; i < Minutes; i++)
        {
            var time = last - ((Minutes - 1 - i) * 60_000L);
            _minutes.TryGetValue(time, out var m);
            points[i] = new LiveMinute
            {
                Time = time,
                Sessions = m?.Sessions ?? 0,
                Requests = m?.Requests ?? 0,
                Events = m?.Events ?? 0,
                Online = time == last ? Math.Max(online, m?.Online ?? 0) : m?.Online ?? 0,
                NewOnline = time == last ? Math.Max(newOnline, m?.NewOnline ?? 0) : m?.NewOnline ?? 0,
            };
        }

        return Task.FromResult(points);
    }

    Task ILiveGrain.ResetAsync()
    {
        _maxOnline = 0;
        _maxNewOnline = 0;
        _minutes.Clear();
        return Task.CompletedTask;
    }

    private (long Online, long NewOnline) Totals(long now)
    {
        var stale = TimeSpan.FromSeconds(10).TotalMilliseconds + options.Value.ReportMs;
        long online = 0, newOnline = 0;
        foreach (var (source, r) in _sources.ToList())
        {
            if (now - r.At > stale)
            {
                _sources.Remove(source);
                continue;
            }

            online += r.Online;
            newOnline += r.NewOnline;
        }

        return (online, newOnline);
    }

    private Minute MinuteAt(long time)
    {
        if (!_minutes.TryGetValue(time, out var m))
        {
            _minutes[time] = m = new Minute();
        }

        return m;
    }

    private sealed class Minute
    {
        public long Sessions { get; set; }
        public long Requests { get; set; }
        public long Events { get; set; }
        public long Online { get; set; }
        public long NewOnline { get; set; }
    }
}
