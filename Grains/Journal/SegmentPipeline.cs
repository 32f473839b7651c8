using Microsoft.Extensions.Logging;

namespace Analytics.Grains.Journal;

/// <summary>
/// Shared machinery of the two consumers of committed segments: accumulate per target grain,
/// send one batch per target at a time covering a contiguous segment range, resend on a gap
/// from the journal in storage, and track which segments each target has not yet written,
/// which bounds journal trimming.
/// </summary>
/// <typeparam name="TAcc">A target's accumulator type.</typeparam>
public abstract partial class SegmentPipeline<TAcc> : ISegmentConsumer
    where TAcc : class
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Target> _targets = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _pollDurable;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Creates the pipeline.</summary>
    protected SegmentPipeline(ILogger logger, TimeSpan interval, TimeSpan pollDurable)
    {
        _logger = logger;
        _interval = interval;
        _pollDurable = pollDurable;
    }

    /// <summary>The id of the journal feeding this pipeline.</summary>
    protected abstract string JournalId { get; }

    /// <inheritdoc />
    public long OldestUndurableSegment
    {
        get
        {
            lock (_gate)
            {
                var oldest = long.MaxValue;
                foreach (var t in _targets.Values)
                {
                    if (t.Undurable.Count > 0)
                    {
                        oldest = Math.Min(oldest, t.Undurable.Peek());
                    }
                }

                return oldest;
            }
        }
    }

    /// <summary>
    /// Declares that <paramref name="target"/> already holds this journal up to segment
    /// <paramref name="watermark"/> (journal recovery); later segments only are sent to it.
    /// </summary>
    public void Seed(string target, long watermark)
    {
        lock (_gate)
        {
            TargetFor(target).LastSent = watermark;
        }
    }

    /// <summary>The target keys the entries address (journal recovery asks each for its watermark first).</summary>
    public HashSet<string> TargetsOf(IEnumerable<JournalEntry> entries)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);

        // Under the gate like every Route: implementations keep caches (their key strings) that
        // OnCommitted fills at the same time.
        lock (_gate)
        {
            foreach (var e in entries)
            {
                Route(e, key =>
                {
                    keys.Add(key);
                    return null;
                });
            }
        }

        return keys;
    }

    /// <summary>Routes <paramref name="entries"/> into a fresh accumulator for <paramref name="target"/> only.</summary>
    protected TAcc RouteOnly(string target, IEnumerable<JournalEntry> entries)
    {
        var acc = NewAccumulator();

        // Under the gate like every Route (see TargetsOf): a rebuild runs beside the deliveries.
        lock (_gate)
        {
            foreach (var e in entries)
            {
                Route(e, key => key == target ? acc : null);
            }
        }

        return acc;
    }

    /// <summary>Starts the send loop.</summary>
    public void Start() => _loop ??= Task.Run(LoopAsync);

    /// <summary>Stops the send loop.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void OnCommitted(long segment, IReadOnlyList<JournalEntry> entries)
    {
        // One delegate for the whole segment, not one per entry.
        Func<string, TAcc?> accumulatorFor = key =>
        {
            var t = TargetFor(key);
            if (segment <= t.LastSent)
            {
                // Only in recovery: the target already has this segment (seeded watermark).
                return null;
            }

            t.Current ??= NewAccumulator();
            t.CurrentTo = segment;
            if (t.LastQueued != segment)
            {
                t.Undurable.Enqueue(segment);
                t.LastQueued = segment;
            }

            return t.Current;
        };
        lock (_gate)
        {
            for (var i = 0; i < entries.Count; i++)
            {
                Route(entries[i], accumulatorFor);
            }
        }
    }

    /// <inheritdoc />
    public async Task DrainAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!ct.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            await SendRoundAsync(force: true).ConfigureAwait(false);
            List<Target> waiting;
            lock (_gate)
            {
                waiting = _targets.Values.Where(t => t.Undurable.Count > 0 || t.Current is not null || t.InFlight is not null).ToList();
            }

            if (waiting.Count == 0)
            {
                return;
            }

            await PollDurableAsync(waiting, force: true).ConfigureAwait(false);
            await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A new, empty accumulator.</summary>
    protected abstract TAcc NewAccumulator();

    /// <summary>Adds what <paramref name="entry"/> means for each of its targets to the accumulator <paramref name="accumulatorFor"/> returns for a target key.</summary>
    protected abstract void Route(JournalEntry entry, Func<string, TAcc?> accumulatorFor);

    /// <summary>Sends one batch to a target.</summary>
    protected abstract Task<CounterAck> SendAsync(string target, long from, long to, TAcc accumulator);

    /// <summary>Asks a target to write and returns its durable watermark for this journal.</summary>
    protected abstract Task<long> FlushTargetAsync(string target);

    /// <summary>The last segment of this journal a target has applied, written or not (journal recovery asks it too).</summary>
    public abstract Task<long> WatermarkOfAsync(string target);

    /// <summary>Rebuilds a target's accumulator for segments (<paramref name="from"/>, <paramref name="to"/>] from the journal in storage.</summary>
    protected abstract Task<TAcc> RebuildAsync(string target, long from, long to);

    /// <summary>Merges <paramref name="newer"/> into <paramref name="older"/> and returns it.</summary>
    protected abstract TAcc Merge(TAcc older, TAcc newer);

    private Target TargetFor(string key)
    {
        if (!_targets.TryGetValue(key, out var t))
        {
            _targets[key] = t = new Target(key);
        }

        return t;
    }

    private async Task LoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, ct).ConfigureAwait(false);
                await SendRoundAsync(force: false).ConfigureAwait(false);
                List<Target> idle;
                lock (_gate)
                {
                    idle = _targets.Values.Where(t => t.Undurable.Count > 0 && t.Current is null && t.InFlight is null).ToList();
                }

                await PollDurableAsync(idle, force: false).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e)
            {
                LogLoopFailed(_logger, e);
            }
        }
    }

    private async Task SendRoundAsync(bool force)
    {
        List<(Target Target, InFlight Batch)> work = [];
        lock (_gate)
        {
            foreach (var t in _targets.Values)
            {
                if (t.InFlight is null && t.Current is not null)
                {
                    t.InFlight = new InFlight(t.LastSent, t.CurrentTo, t.Current);
                    t.Current = null;
                }

                if (t.InFlight is { } b && !t.Sending && (force || b.NotBefore <= DateTime.UtcNow))
                {
                    t.Sending = true;
                    work.Add((t, b));
                }
            }
        }

        foreach (var chunk in work.Chunk(64))
        {
            await Task.WhenAll(chunk.Select(w => SendOneAsync(w.Target, w.Batch))).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="batch"/>, the target's <see cref="Target.InFlight"/>, whose <see cref="Target.Sending"/> the caller set.</summary>
    private async Task SendOneAsync(Target target, InFlight batch)
    {
        try
        {
            await SendInFlightAsync(target, batch).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                target.Sending = false;
            }
        }
    }

    private async Task SendInFlightAsync(Target target, InFlight batch)
    {
        try
        {
            var ack = await SendAsync(target.Key, batch.From, batch.To, batch.Accumulator).ConfigureAwait(false);
            if (ack.Status == BatchStatus.Gap)
            {
                // The target lost ranges it had acknowledged (its silo died before it wrote them):
                // rebuild them from the journal and send them together with this batch.
                LogGap(_logger, target.Key, ack.Watermark, batch.From);
                var rebuilt = await RebuildAsync(target.Key, ack.Watermark, batch.From).ConfigureAwait(false);
                lock (_gate)
                {
                    target.InFlight = new InFlight(ack.Watermark, batch.To, Merge(rebuilt, batch.Accumulator));
                }

                return;
            }

            lock (_gate)
            {
                target.LastSent = batch.To;
                target.InFlight = null;
                MarkDurable(target, ack.Durable);
            }
        }
        catch (Exception e)
        {
            LogSendFailed(_logger, e, target.Key);
            lock (_gate)
            {
                target.InFlight = batch with { NotBefore = DateTime.UtcNow.AddMilliseconds(500) };
            }
        }
    }

    private async Task PollDurableAsync(List<Target> targets, bool force)
    {
        var now = DateTime.UtcNow;
        var due = targets.Where(t => force || now - t.LastPoll >= _pollDurable).ToList();
        foreach (var chunk in due.Chunk(64))
        {
            await Task.WhenAll(chunk.Select(async t =>
            {
                t.LastPoll = now;
                try
                {
                    var durable = await FlushTargetAsync(t.Key).ConfigureAwait(false);
                    long sent;
                    bool idle;
                    lock (_gate)
                    {
                        MarkDurable(t, durable);
                        sent = t.LastSent;
                        idle = t.InFlight is null && t.Current is null;
                    }

                    // A target with a batch on its way finds out about a loss from its answer (a gap).
                    if (durable < sent && idle)
                    {
                        await ResendLostAsync(t, sent).ConfigureAwait(false);
                    }
                }
                catch (Exception e)
                {
                    LogSendFailed(_logger, e, t.Key);
                }
            })).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Returns once <paramref name="key"/> has applied everything this pipeline routed to it so
    /// far (sent, on its way, or still accumulating). A target re-activated after its silo died
    /// has lost what it had not written; the send loop finds that out only with its next batch
    /// (a gap) or poll, which for an idle target can be a checkpoint interval away. A device
    /// bucket calls this, through this silo's <see cref="IJournalPeerGrain"/>, before it serves
    /// its first load, so that no device is handed a state older than its journal's.
    /// </summary>
    public async Task CatchUpAsync(string key, TimeSpan timeout)
    {
        Target? t;
        long goal;
        lock (_gate)
        {
            if (!_targets.TryGetValue(key, out t))
            {
                return;
            }

            goal = Math.Max(t.LastSent, Math.Max(t.InFlight?.To ?? 0, t.Current is null ? 0 : t.CurrentTo));
        }

        var deadline = DateTime.UtcNow + timeout;
        while (await WatermarkOfAsync(key).ConfigureAwait(false) < goal)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{key} did not catch up with journal {JournalId} to segment {goal}.");
            }

            InFlight? batch = null;
            bool idle;
            long sent;
            lock (_gate)
            {
                if (t.InFlight is null && t.Current is not null)
                {
                    t.InFlight = new InFlight(t.LastSent, t.CurrentTo, t.Current);
                    t.Current = null;
                }

                if (t.InFlight is { } b && !t.Sending && b.NotBefore <= DateTime.UtcNow)
                {
                    t.Sending = true;
                    batch = b;
                }

                idle = t.InFlight is null;
                sent = t.LastSent;
            }

            if (batch is not null)
            {
                // A gap in its answer turns it into the rebuilt range plus itself, sent next time round.
                await SendOneAsync(t, batch).ConfigureAwait(false);
            }
            else if (!idle || !await ResendLostAsync(t, sent).ConfigureAwait(false))
            {
                // The send loop has it on its way, or a failed send waits to be tried again.
                await Task.Delay(20).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A target that is not durable up to what it was sent either could not write yet (storage
    /// down: it keeps the data and writes later) or lost ranges it had acknowledged (its silo died
    /// before it wrote them). Only a batch it receives would reveal the loss (a gap), and an idle
    /// target receives none: so ask it how far it has applied, and send what it lost again.
    /// </summary>
    /// <returns>Whether a batch of the lost ranges is now queued for it.</returns>
    private async Task<bool> ResendLostAsync(Target t, long sent)
    {
        var applied = await WatermarkOfAsync(t.Key).ConfigureAwait(false);
        if (applied >= sent)
        {
            return false;
        }

        LogGap(_logger, t.Key, applied, sent);
        var rebuilt = await RebuildAsync(t.Key, applied, sent).ConfigureAwait(false);
        lock (_gate)
        {
            // Anything queued for it meanwhile goes after this batch (from LastSent), or meets the
            // gap itself when it is already on its way.
            if (t.InFlight is null && t.LastSent == sent)
            {
                t.InFlight = new InFlight(applied, sent, rebuilt);
            }

            return t.InFlight is not null;
        }
    }

    private static void MarkDurable(Target t, long durable)
    {
        while (t.Undurable.Count > 0 && t.Undurable.Peek() <= durable)
        {
            t.Undurable.Dequeue();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment pipeline loop failed; continuing")]
    private static partial void LogLoopFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending to {Target} failed; will retry")]
    private static partial void LogSendFailed(ILogger logger, Exception e, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Target} is at segment {Watermark}, batch starts after {From}: resending from the journal")]
    private static partial void LogGap(ILogger logger, string target, long watermark, long from);

    private sealed record InFlight(long From, long To, TAcc Accumulator)
    {
        public DateTime NotBefore { get; init; }
    }

    private sealed class Target(string key)
    {
        public string Key { get; } = key;
        public long LastSent { get; set; }
        public TAcc? Current { get; set; }
        public long CurrentTo { get; set; }
        public long LastQueued { get; set; }
        public InFlight? InFlight { get; set; }
        public Queue<long> Undurable { get; } = new();
        public DateTime LastPoll { get; set; }

        /// <summary>Whether <see cref="InFlight"/> is being sent (by the loop or a catch-up): one send at a time.</summary>
        public bool Sending { get; set; }
    }
}
