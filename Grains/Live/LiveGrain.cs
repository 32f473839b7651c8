using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Grains.Live;

/// <summary>
/// One app's live numbers: the sum of the latest report of every silo (a silo silent for
/// 10 s no longer counts), per-minute series of the last hour and all-time maxima sampled
/// from the reports (docs/api.md, "live"). The maxima and the time of the last reset are
/// persisted in the <c>live</c> table: written when they change, at most every
/// <see cref="SaveInterval"/>, and when the grain deactivates. Storage being down never stops
/// the live numbers: the grain then starts from zero maxima and merges the stored ones in once
/// it can read them.
/// </summary>
// The graph's minutes live only here: kept through an idle spell as long as any is still shown
// (Orleans' default would collect the grain after 15 idle minutes, emptying the last hour).
[CollectionAgeLimit(Minutes = 61)]
public sealed partial class LiveGrain(IOptions<LiveOptions> options, TableStore tables, ILogger<LiveGrain> logger) : Grain, ILiveGrain
{
    /// <summary>How often changed maxima are written while reports keep raising them.</summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(10);

    private const string Partition = "live";
    private const int Minutes = 60;
    private readonly Dictionary<string, LiveReport> _sources = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, Minute> _minutes = [];
    private readonly LiveState _state = new();
    private bool _loaded;
    private bool _dirty;
    private IGrainTimer? _saver;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken) => TryLoadAsync();

    Task<long> ILiveGrain.ReportAsync(LiveReport report)
    {
        var s = _state;
        if (report.KnownResetAt < s.ResetAt)
        {
            // Made before the silo learnt of the reset: its online devices may predate it, and its
            // minutes before the reset's minute are gone. The answer tells the silo to drop them.
            report = report with
            {
                Online = 0,
                NewOnline = 0,
                Minutes = [.. report.Minutes.Where(m => m.Time >= s.ResetAt / 60_000 * 60_000)],
            };
        }

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
        if (online > s.MaxOnline || newOnline > s.MaxNewOnline)
        {
            s.MaxOnline = Math.Max(s.MaxOnline, online);
            s.MaxNewOnline = Math.Max(s.MaxNewOnline, newOnline);
            _dirty = true;
            _saver ??= this.RegisterGrainTimer(SaveAsync, new GrainTimerCreationOptions(SaveInterval, SaveInterval) { Interleave = false });
        }

        while (_minutes.Count > Minutes + 5)
        {
            _minutes.Remove(_minutes.Keys.First());
        }

        return Task.FromResult(s.ResetAt);
    }

    Task<LiveNow> ILiveGrain.GetAsync()
    {
        var (online, newOnline) = Totals(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return Task.FromResult(new LiveNow { Online = online, NewOnline = newOnline, MaxOnline = Math.Max(_state.MaxOnline, online), MaxNewOnline = Math.Max(_state.MaxNewOnline, newOnline) });
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

    async Task ILiveGrain.ResetAsync()
    {
        // The silos' online devices go too: every report until a silo has dropped the devices
        // active before this moment counts nobody online (ReportAsync).
        var s = _state;
        s.MaxOnline = 0;
        s.MaxNewOnline = 0;
        s.ResetAt = Math.Max(s.ResetAt + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _sources.Clear();
        _minutes.Clear();

        // A reset replaces whatever is stored.
        _loaded = true;
        await WriteAsync(CancellationToken.None);
        _dirty = false;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await SaveAsync(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        try
        {
            if (!_loaded)
            {
                // Never overwrite stored maxima not read yet (storage was down at activation).
                await TryLoadAsync();
                if (!_loaded)
                {
                    return;
                }
            }

            await WriteAsync(cancellationToken);
            _dirty = false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Storage down: the maxima stay dirty for the next tick.
            LogSaveFailed(logger, e, this.GetPrimaryKeyString());
        }
    }

    private async Task TryLoadAsync()
    {
        try
        {
            var table = await tables.LiveAsync();
            TableStore.Count("live-load");
            var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, KeyEncoding.Encode(this.GetPrimaryKeyString()));
            if (row.HasValue && row.Value is { } stored)
            {
                // A reset goes through this grain and is written at once, so whatever this
                // activation gathered before reading the row came after the stored reset.
                _state.ResetAt = Math.Max(_state.ResetAt, stored.GetInt64("R") ?? 0);
                _state.MaxOnline = Math.Max(_state.MaxOnline, stored.GetInt64("O") ?? 0);
                _state.MaxNewOnline = Math.Max(_state.MaxNewOnline, stored.GetInt64("N") ?? 0);
            }

            _loaded = true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogSaveFailed(logger, e, this.GetPrimaryKeyString());
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var table = await tables.LiveAsync();
        var row = new TableEntity(Partition, KeyEncoding.Encode(this.GetPrimaryKeyString()))
        {
            ["O"] = _state.MaxOnline,
            ["N"] = _state.MaxNewOnline,
            ["R"] = _state.ResetAt,
        };
        await TableStore.SubmitAsync(table, [new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)], "live-write", cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live maxima of {App} could not be read or written; will retry")]
    private static partial void LogSaveFailed(ILogger logger, Exception e, string app);

    private (long Online, long NewOnline) Totals(long now)
    {
        var stale = (TimeSpan.FromSeconds(10) + options.Value.ReportPeriod).TotalMilliseconds;
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
