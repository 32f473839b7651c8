using System.Collections.Concurrent;
using Analytics.Grains.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Grains.Live;

/// <summary>
/// Per-silo live state: which devices of each app have an open, recently active session on
/// this silo, and per-minute counts of sessions, requests and events. Device grains feed it
/// after each accepted request; it reports to each app's <see cref="ILiveGrain"/> every second,
/// so the numbers are never more than a couple of seconds old.
/// </summary>
public sealed partial class LiveTracker(IGrainFactory grains, IngestJournal journal, IOptions<LiveOptions> options, ILogger<LiveTracker> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, AppLive> _apps = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly long _onlineMs = (long)options.Value.OnlinePeriod.TotalMilliseconds;
    private Task? _loop;

    /// <summary>
    /// Records one accepted request of a device; with <paramref name="isRequest"/> false, a
    /// journal record that no client sent (a merged-away device emptying itself), which changes
    /// only whether the device is online.
    /// </summary>
    public void Observe(string appId, string deviceId, long receivedAt, long requestTime, bool sessionOpen, bool firstSession, bool countedBegin, long events, bool isRequest = true)
    {
        var app = _apps.GetOrAdd(appId, static _ => new AppLive());
        lock (app)
        {
            var minute = receivedAt / 60_000 * 60_000;
            if (app.Minute != minute)
            {
                app.Flush();
                app.Minute = minute;
            }

            if (isRequest)
            {
                app.Requests++;
            }

            app.Events += events;
            if (countedBegin)
            {
                app.Sessions++;
            }

            // A late, queued request (its own time older than the window) makes nobody online.
            if (sessionOpen && receivedAt - requestTime <= _onlineMs)
            {
                app.Online[deviceId] = (receivedAt, firstSession);
            }
            else if (!sessionOpen)
            {
                app.Online.Remove(deviceId);
            }

            app.Dirty = true;
        }

        if (Volatile.Read(ref _loop) is null)
        {
            // Once: two requests arriving together must not start two report loops (found in review).
            lock (_stop)
            {
                _loop ??= Task.Run(LoopAsync);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task LoopAsync()
    {
        var period = options.Value.ReportPeriod;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _stop.Token);
                await ReportAllAsync();
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e)
            {
                LogReportFailed(logger, e);
            }
        }
    }

    private async Task ReportAllAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var reports = new List<(string AppId, LiveReport Report)>();
        foreach (var (appId, app) in _apps)
        {
            lock (app)
            {
                var before = app.Online.Count;
                foreach (var stale in app.Online.Where(d => now - d.Value.LastActive > _onlineMs).Select(d => d.Key).ToList())
                {
                    app.Online.Remove(stale);
                }

                if (!app.Dirty && before == app.Online.Count && app.Online.Count == 0 && !app.Reported)
                {
                    continue;
                }

                var online = app.Online.Count;
                var newOnline = app.Online.Values.Count(v => v.FirstSession);
                app.Flush();
                reports.Add((appId, new LiveReport { Source = journal.JournalId, Online = online, NewOnline = newOnline, Minutes = [.. app.Pending], At = now, KnownResetAt = app.KnownResetAt }));
                app.Pending.Clear();
                app.Dirty = false;

                // Keep reporting an app once more after it goes quiet, so its count drops to zero.
                app.Reported = online > 0;
            }
        }

        foreach (var chunk in reports.Chunk(32))
        {
            var resets = await Task.WhenAll(chunk.Select(r => grains.GetGrain<ILiveGrain>(r.AppId).ReportAsync(r.Report)));
            for (var i = 0; i < chunk.Length; i++)
            {
                if (resets[i] > chunk[i].Report.KnownResetAt && _apps.TryGetValue(chunk[i].AppId, out var app))
                {
                    ForgetBefore(app, resets[i]);
                }
            }
        }
    }

    // The app was reset: whoever was active until then is no longer online (a device's next
    // request after the reset starts from a cleared state), and the next report says so.
    private static void ForgetBefore(AppLive app, long resetAt)
    {
        lock (app)
        {
            foreach (var gone in app.Online.Where(d => d.Value.LastActive <= resetAt).Select(d => d.Key).ToList())
            {
                app.Online.Remove(gone);
            }

            app.KnownResetAt = Math.Max(app.KnownResetAt, resetAt);
            app.Dirty = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reporting live numbers failed; will retry")]
    private static partial void LogReportFailed(ILogger logger, Exception e);

    private sealed class AppLive
    {
        public Dictionary<string, (long LastActive, bool FirstSession)> Online { get; } = new(StringComparer.Ordinal);
        public List<LiveMinute> Pending { get; } = [];
        public long Minute { get; set; }
        public long Sessions { get; set; }
        public long Requests { get; set; }
        public long Events { get; set; }
        public bool Dirty { get; set; }
        public bool Reported { get; set; }
        public long KnownResetAt { get; set; }

        public void Flush()
        {
            if (Sessions + Requests + Events > 0)
            {
                Pending.Add(new LiveMinute { Time = Minute, Sessions = Sessions, Requests = Requests, Events = Events });
            }

            Sessions = Requests = Events = 0;
        }
    }
}
