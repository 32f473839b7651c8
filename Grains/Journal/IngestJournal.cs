using System.Diagnostics;
using System.Diagnostics.Metrics;
using Analytics.Grains.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Grains.Journal;

/// <summary>
/// The silo's group-committed journal of accepted requests (docs/durability.md). Appends are
/// in-memory and cheap; a background loop cuts a segment when a write slot is free and either
/// <see cref="StorageOptions.JournalFlushMs"/> has passed since the last cut or the segment holds
/// <see cref="StorageOptions.JournalSegmentRecords"/> records, writes each as one compressed entity, and,
/// in segment order, hands the entries to the consumers and completes the waiting callers.
/// The buffer of records not yet durable is bounded; when it is full, appends are refused.
/// </summary>
public sealed partial class IngestJournal : IAsyncDisposable
{
    /// <summary>Largest uncompressed segment; a bigger buffer is cut into several segments.</summary>
    public const int MaxSegmentBytes = 1024 * 1024;

    private static readonly Meter Meter = new(TableStore.MeterName);
    private static readonly Counter<long> Appended = Meter.CreateCounter<long>("analytics.journal.records", description: "Records appended to the journal");
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("analytics.journal.refused", description: "Appends refused because the journal buffer was full");
    private static readonly Histogram<double> CommitLatency = Meter.CreateHistogram<double>("analytics.journal.commit", unit: "ms", description: "Time to write one journal segment");

    private readonly TableStore _store;
    private readonly StorageOptions _options;
    private readonly ILogger<IngestJournal> _logger;
    private readonly object _gate = new();
    private readonly object _deliverGate = new();
    private readonly Queue<Segment> _sealed = new();
    private readonly SortedDictionary<long, Segment> _inFlight = [];
    private readonly Dictionary<long, int> _writtenParts = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _slots;
    private readonly List<ISegmentConsumer> _consumers = [];
    private readonly CancellationTokenSource _stop = new();
    private Segment _current;
    private long _nextSegment = 1;
    private long _nextDeliver = 1;
    private long _nextTicket = 1;
    private long _durableTicket;
    private Segment? _delivering;
    private long _lastTrimmed;
    private long _pendingRecords;
    private long _pendingBytes;
    private long _lastCut;
    private int _lastSegmentRecords;
    private bool _accepting;
    private int _disposed;
    private Task? _flushLoop;
    private Task? _trimLoop;
    private Task? _watchdog;
    private TableClient? _table;

    /// <summary>Creates a journal with a fresh id for this process.</summary>
    public IngestJournal(TableStore store, IOptions<StorageOptions> options, ILogger<IngestJournal> logger)
    {
        _store = store;
        _options = options.Value;
        _logger = logger;
        _slots = new SemaphoreSlim(Math.Max(1, _options.JournalConcurrency));
        var host = Environment.MachineName.Length > 40 ? Environment.MachineName[..40] : Environment.MachineName;
        JournalId = KeyEncoding.Encode($"{host}-{Guid.NewGuid():N}");
        _current = new Segment();
        Meter.CreateObservableGauge("analytics.journal.pending", () => PendingRecords, description: "Journal records accepted but not yet written and handed on");
        Meter.CreateObservableGauge("analytics.journal.untrimmed", () => UntrimmedSegments, description: "Committed journal segments still kept because something they carry is not yet written elsewhere");
    }

    /// <summary>This journal's id (its partition in the journal table).</summary>
    public string JournalId { get; }

    /// <summary>The newest ticket that is durable (every older one is too); 0 before the first.</summary>
    public long DurableTicket
    {
        get
        {
            lock (_gate)
            {
                return _durableTicket;
            }
        }
    }

    /// <summary>
    /// Delivered segments not yet trimmed: some counter document or device state they carry is
    /// still only in memory (and in these segments). Zero once everything accepted is written
    /// where it belongs.
    /// </summary>
    public long UntrimmedSegments => Math.Max(0, LastDelivered - Interlocked.Read(ref _lastTrimmed));

    /// <summary>Whether appends are accepted.</summary>
    public bool IsAccepting => Volatile.Read(ref _accepting);

    /// <summary>
    /// Whether the entry of <paramref name="ticket"/> (and so every older one) is durable and
    /// has been handed to every consumer, i.e. routed to its counters and device buckets.
    /// </summary>
    public bool IsDelivered(long ticket)
    {
        lock (_gate)
        {
            return ticket <= _durableTicket && _delivering?.Holds(ticket) != true;
        }
    }

    /// <summary>
    /// The records matching <paramref name="match"/> that are not yet durable, as each device's
    /// newest such record (ticket and device sequence number), and the newest durable ticket at
    /// that moment: a record is either in the list or at or below that ticket (one that became
    /// durable during the scan may be in both). Rare: a device bucket catching up after an
    /// unclean end. Only the open segment is scanned under the append lock; sealed segments no
    /// longer change (their writes encode them outside it too).
    /// </summary>
    public (Dictionary<string, (long Ticket, long Seq)> Devices, long Durable) Unwritten(Func<JournalEntry, bool> match)
    {
        var devices = new Dictionary<string, (long Ticket, long Seq)>(StringComparer.Ordinal);
        List<Segment> sealedSegments;
        long durable;
        lock (_gate)
        {
            // Every segment here is past the durable ticket: Deliver takes a segment out of
            // _inFlight and moves the durable ticket past it in one step under this lock.
            sealedSegments = [.. _inFlight.Values, .. _sealed];
            durable = _durableTicket;
            Scan(_current);
        }

        foreach (var segment in sealedSegments)
        {
            Scan(segment);
        }

        return (devices, durable);

        void Scan(Segment segment)
        {
            for (var i = 0; i < segment.Entries.Count; i++)
            {
                var entry = segment.Entries[i];
                var ticket = segment.FirstTicket + i;
                if (match(entry) && (!devices.TryGetValue(entry.Request.DeviceId, out var seen) || seen.Ticket < ticket))
                {
                    devices[entry.Request.DeviceId] = (ticket, entry.Seq);
                }
            }
        }
    }

    /// <summary>The newest ticket appended so far (0 before the first).</summary>
    public long LastTicket
    {
        get
        {
            lock (_gate)
            {
                return _nextTicket - 1;
            }
        }
    }

    /// <summary>Segments delivered to consumers so far (the newest).</summary>
    public long LastDelivered => Interlocked.Read(ref _nextDeliver) - 1;

    /// <summary>Records not yet written and handed on to the consumers (the journal's back-pressure counts these).</summary>
    public long PendingRecords => Interlocked.Read(ref _pendingRecords);

    /// <summary>Registers a consumer of committed segments (before <see cref="StartAsync"/>).</summary>
    public void Attach(ISegmentConsumer consumer) => _consumers.Add(consumer);

    /// <summary>Registers the journal as open and starts the write and trim loops.</summary>
    public async Task StartAsync(string silo, CancellationToken ct)
    {
        _table = await _store.JournalAsync().ConfigureAwait(false);
        var registry = await _store.JournalsAsync().ConfigureAwait(false);
        var row = new TableEntity(JournalRegistry.Partition, JournalId)
        {
            ["Host"] = Environment.MachineName,
            ["Silo"] = silo,
            ["Pid"] = Environment.ProcessId,
            ["Started"] = DateTimeOffset.UtcNow,
        };
        await TableStore.SubmitAsync(registry, [new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)], "journal-register", ct).ConfigureAwait(false);
        Volatile.Write(ref _accepting, true);
        _flushLoop = Task.Run(FlushLoopAsync, CancellationToken.None);
        _trimLoop = Task.Run(TrimLoopAsync, CancellationToken.None);
        _watchdog = Task.Run(WatchdogLoopAsync, CancellationToken.None);
        LogStarted(_logger, JournalId);
    }

    /// <summary>
    /// Appends <paramref name="entry"/>; false when the journal is full or closed. On success
    /// <paramref name="receipt"/> tells when the entry is durable and handed on, and when a
    /// caller should stop waiting for that (the entry stays queued).
    /// </summary>
    public bool TryAppend(JournalEntry entry, out JournalReceipt receipt)
    {
        var bytes = entry.EstimatedBytes;
        lock (_gate)
        {
            // An entry past JournalEntry.MaxBytes could make a segment no transaction takes, and
            // the journal would retry it forever (the frontend refuses such requests first).
            if (!_accepting || bytes > JournalEntry.MaxBytes || _pendingRecords >= _options.JournalMaxPendingRecords || _pendingBytes + bytes > _options.JournalMaxPendingBytes)
            {
                receipt = default;
                Refused.Add(1);
                return false;
            }

            if (_current.Bytes + bytes > MaxSegmentBytes && _current.Entries.Count > 0)
            {
                SealCurrent();
            }

            if (_current.Entries.Count == 0)
            {
                _current.Started = Environment.TickCount64;
                _current.FirstTicket = _nextTicket;
            }

            _current.Entries.Add(entry);
            _current.Bytes += bytes;
            _pendingRecords++;
            _pendingBytes += bytes;
            receipt = new JournalReceipt(_current.Waiters.Task, _current.Durable.Task, _nextTicket++);
            if (_current.Entries.Count == 1 || _current.Entries.Count == _options.JournalSegmentRecords)
            {
                // The first record opens a segment; a full one is cut without waiting out JournalFlushMs.
                _signal.Release();
            }
        }

        Appended.Add(1);
        return true;
    }

    /// <summary>
    /// The receipt of the entry that <see cref="TryAppend"/> gave <paramref name="ticket"/>, so that
    /// a caller in this process can wait for it after the appender has moved on (the co-hosted
    /// frontend, docs/write-path.md). Tickets become durable in order: one at or below the
    /// newest delivered entry is <see cref="JournalReceipt.Done"/>, 0 too. A ticket this journal
    /// never gave (a bug) is <see cref="JournalReceipt.Unknown"/>, which answers 503, never 200.
    /// </summary>
    public JournalReceipt ReceiptOf(long ticket)
    {
        lock (_gate)
        {
            if (ticket <= _durableTicket)
            {
                return JournalReceipt.Done;
            }

            if (ticket >= _nextTicket)
            {
                return JournalReceipt.Unknown;
            }

            if (_current.Entries.Count > 0 && ticket >= _current.FirstTicket)
            {
                return _current.ReceiptFor(ticket);
            }

            if (_delivering is { } delivering && delivering.Holds(ticket))
            {
                return delivering.ReceiptFor(ticket);
            }

            foreach (var segment in _sealed)
            {
                if (segment.Holds(ticket))
                {
                    return segment.ReceiptFor(ticket);
                }
            }

            foreach (var segment in _inFlight.Values)
            {
                if (segment.Holds(ticket))
                {
                    return segment.ReceiptFor(ticket);
                }
            }

            return JournalReceipt.Unknown;
        }
    }

    /// <summary>Stops accepting, writes everything, drains the consumers, trims and closes the journal.</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_accepting && _flushLoop is null)
            {
                return;
            }

            _accepting = false;
        }

        _signal.Release();
        var waited = Stopwatch.StartNew();
        while (PendingRecords > 0 && !ct.IsCancellationRequested)
        {
            _signal.Release();
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                LogCloseStuck(_logger, PendingRecords);
                return;
            }
        }

        foreach (var consumer in _consumers)
        {
            await consumer.DrainAsync(ct).ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        var upTo = LastDelivered;
        foreach (var consumer in _consumers)
        {
            upTo = Math.Min(upTo, consumer.OldestUndurableSegment - 1);
        }

        await TrimAsync(upTo, ct).ConfigureAwait(false);
        if (LastDelivered == _lastTrimmed)
        {
            var registry = await _store.JournalsAsync().ConfigureAwait(false);
            var row = new TableEntity(JournalRegistry.Partition, JournalId);
            await TableStore.SubmitAsync(registry, [new TableTransactionAction(TableTransactionActionType.Delete, row)], "journal-close", ct).ConfigureAwait(false);
            LogClosed(_logger, JournalId, LastDelivered);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _signal.Release();
        foreach (var t in new[] { _flushLoop, _trimLoop, _watchdog })
        {
            if (t is not null)
            {
                try
                {
                    await t.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        // Records that will never be written now (storage was down as the silo stopped): their
        // callers stop waiting and answer 503; with durable acks none of them was answered 200.
        lock (_gate)
        {
            foreach (var segment in _inFlight.Values.Concat(_sealed).Append(_current))
            {
                segment.Waiters.TrySetResult(false);
            }
        }

        _stop.Dispose();
    }

    private void SealCurrent()
    {
        _current.Number = _nextSegment++;
        _sealed.Enqueue(_current);
        _current = new Segment();
    }

    private async Task FlushLoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            while (true)
            {
                // A free write slot first, the cut after it: while every slot is busy, records keep
                // joining the open segment, so under load a segment holds what arrived during one
                // write (group commit) instead of queueing up as small sealed segments. Segments
                // waiting here stay visible to the watchdog (sealed ones in _sealed, the open one
                // as _current), which releases their callers if storage does not answer.
                try
                {
                    await _slots.WaitAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Closed for good (DisposeAsync): what is not written stays unwritten.
                    return;
                }

                Segment? next = null;
                long wait = 0;
                lock (_gate)
                {
                    if (_sealed.Count == 0 && _current.Entries.Count > 0)
                    {
                        wait = SegmentCut.WaitMs(_current.Entries.Count, _lastSegmentRecords, Environment.TickCount64 - _lastCut, _options.JournalFlushMs, _options.JournalSegmentRecords);
                        if (wait <= 0 || !_accepting)
                        {
                            SealCurrent();
                        }
                    }

                    if (_sealed.Count > 0)
                    {
                        next = _sealed.Dequeue();
                        _inFlight[next.Number] = next;
                        _lastCut = Environment.TickCount64;
                        _lastSegmentRecords = next.Entries.Count;
                    }
                }

                if (next is null)
                {
                    _slots.Release();
                    if (wait <= 0)
                    {
                        break;
                    }

                    // Woken early when the open segment fills up (or a new one opens: harmless).
                    await _signal.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(1, wait)), CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                // Started here, not queued: encoded and sent from this loop up to the wait for
                // storage's answer. Queued on the thread pool, the write of a cut waited behind the
                // requests' own work items while every request in the segment waited for it
                // (docs/performance.md, item 30). With one write at a time (the default) the loop
                // would only wait for its slot meanwhile.
                _ = WriteAsync(next);
            }
        }
    }

    private async Task WriteAsync(Segment segment)
    {
        // Taken now: DisposeAsync disposes the source once the loops have ended, perhaps while this write still retries.
        var stop = _stop.Token;
        using var activity = TableStore.Source.StartActivity("journal.write");
        activity?.SetTag("analytics.segment", segment.Number);
        activity?.SetTag("analytics.records", segment.Entries.Count);
        try
        {
            var payload = SegmentCodec.Encode(segment.Entries);
            var actions = JournalRows.Build(JournalId, segment.Number, payload);
            var attempt = 0;
            while (true)
            {
                try
                {
                    var t0 = Stopwatch.GetTimestamp();
                    await TableStore.SubmitAsync(_table!, actions, "journal-write").ConfigureAwait(false);
                    CommitLatency.Record(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    lock (_gate)
                    {
                        _writtenParts[segment.Number] = actions.Count;
                    }

                    if (attempt > 0)
                    {
                        LogWriteRecovered(_logger, segment.Number, attempt + 1);
                    }

                    break;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    attempt++;
                    if (attempt == 1 || attempt % 10 == 0)
                    {
                        LogWriteFailed(_logger, e, segment.Number, attempt);
                    }

                    // Tried until written, unless the journal is closed for good (the silo stops
                    // or is killed while storage is down, and CloseAsync has given up waiting):
                    // then these records stay unwritten and their callers are answered 503
                    // (DisposeAsync), so that their clients send them again. Trying on would keep
                    // the silo from ever stopping.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 * attempt)), stop).ConfigureAwait(false);
                }
            }

            segment.Committed = true;
        }
        finally
        {
            _slots.Release();
        }

        Deliver();
    }

    private void Deliver()
    {
        // Segments are handed on in order, one deliverer at a time, but without holding the
        // append lock while the consumers route their entries: appends never wait for that.
        lock (_deliverGate)
        {
            while (true)
            {
                Segment? segment;
                lock (_gate)
                {
                    if (!_inFlight.TryGetValue(_nextDeliver, out segment) || !segment.Committed)
                    {
                        return;
                    }

                    _inFlight.Remove(_nextDeliver);
                    _delivering = segment;
                    _durableTicket = segment.FirstTicket + segment.Entries.Count - 1;
                }

                // The segment is written: its callers are answered now, not after the consumers
                // have routed it (about a millisecond for a full segment, on this one thread), which
                // no answer depends on. Segments still become durable in order (one deliverer, in
                // segment order); what is routed, trimmed and counted as pending is unchanged.
                segment.Durable.TrySetResult();
                segment.Waiters.TrySetResult(true);

                foreach (var consumer in _consumers)
                {
                    try
                    {
                        consumer.OnCommitted(segment.Number, segment.Entries);
                    }
                    catch (Exception e)
                    {
                        LogConsumerFailed(_logger, e, segment.Number);
                    }
                }

                // Every consumer has routed the increments: their arrays go back to the pool.
                foreach (var entry in segment.Entries)
                {
                    entry.Increments?.Release();
                }

                lock (_gate)
                {
                    _pendingRecords -= segment.Entries.Count;
                    _pendingBytes -= segment.Bytes;
                    _nextDeliver++;
                    _delivering = null;
                }
            }
        }
    }

    /// <summary>
    /// Releases callers whose records have waited longer than <see cref="StorageOptions.JournalCommitWaitMs"/>
    /// (storage slow or down): they answer 503, the records stay queued and are written later.
    /// </summary>
    private async Task WatchdogLoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var limit = Environment.TickCount64 - _options.JournalCommitWaitMs;
            lock (_gate)
            {
                foreach (var segment in _inFlight.Values.Concat(_sealed).Append(_current))
                {
                    if (segment.Entries.Count > 0 && segment.Started < limit)
                    {
                        segment.Waiters.TrySetResult(false);
                    }
                }
            }
        }
    }

    private async Task TrimLoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(500, _options.CheckpointMs / 2)), ct).ConfigureAwait(false);
                var upTo = LastDelivered;
                foreach (var consumer in _consumers)
                {
                    upTo = Math.Min(upTo, consumer.OldestUndurableSegment - 1);
                }

                await TrimAsync(upTo, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e)
            {
                LogTrimFailed(_logger, e);
            }
        }
    }

    private async Task TrimAsync(long upTo, CancellationToken ct)
    {
        if (upTo <= Interlocked.Read(ref _lastTrimmed) || _table is null)
        {
            return;
        }

        // A segment leaves _writtenParts, and _lastTrimmed passes it, only once all its rows are
        // deleted. Forgetting a segment whose delete failed would leave its rows behind for good,
        // and a row left behind ends a replay's contiguous prefix: the acknowledged segments
        // after it would be taken for never-written ones after a crash.
        var deletes = new List<TableTransactionAction>(TableStore.MaxBatch);
        for (var s = Interlocked.Read(ref _lastTrimmed) + 1; s <= upTo; s++)
        {
            int parts;
            lock (_gate)
            {
                _writtenParts.TryGetValue(s, out parts);
            }

            if (deletes.Count > 0 && deletes.Count + parts > TableStore.MaxBatch)
            {
                await TableStore.DeleteAsync(_table, deletes, "journal-trim", ct).ConfigureAwait(false);
                deletes.Clear();
                Trimmed(s - 1);
            }

            for (var p = 0; p < parts; p++)
            {
                deletes.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(JournalId, JournalRows.RowKey(s, p))));
                if (deletes.Count == TableStore.MaxBatch)
                {
                    // A segment of more rows than a batch: counted as trimmed once all are gone.
                    await TableStore.DeleteAsync(_table, deletes, "journal-trim", ct).ConfigureAwait(false);
                    deletes.Clear();
                }
            }
        }

        await TableStore.DeleteAsync(_table, deletes, "journal-trim", ct).ConfigureAwait(false);
        Trimmed(upTo);
    }

    private void Trimmed(long through)
    {
        lock (_gate)
        {
            for (var s = Interlocked.Read(ref _lastTrimmed) + 1; s <= through; s++)
            {
                _writtenParts.Remove(s);
            }

            if (through > Interlocked.Read(ref _lastTrimmed))
            {
                Interlocked.Exchange(ref _lastTrimmed, through);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Journal {JournalId} open")]
    private static partial void LogStarted(ILogger logger, string journalId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Journal {JournalId} closed cleanly after {Segments} segments")]
    private static partial void LogClosed(ILogger logger, string journalId, long segments);

    [LoggerMessage(Level = LogLevel.Error, Message = "Journal close gave up with {Pending} records not durable; they will be replayed from storage where written")]
    private static partial void LogCloseStuck(ILogger logger, long pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal segment {Segment} write failed (attempt {Attempt}); retrying")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, long segment, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Journal segment {Segment} written after {Attempts} attempts")]
    private static partial void LogWriteRecovered(ILogger logger, long segment, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "A journal consumer failed on segment {Segment}")]
    private static partial void LogConsumerFailed(ILogger logger, Exception e, long segment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal trim failed; will retry")]
    private static partial void LogTrimFailed(ILogger logger, Exception e);

    private sealed class Segment
    {
        public long Number { get; set; }
        public List<JournalEntry> Entries { get; } = [];
        public int Bytes { get; set; }
        public bool Committed { get; set; }
        public long Started { get; set; }
        public long FirstTicket { get; set; }
        public TaskCompletionSource<bool> Waiters { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Holds(long ticket) => ticket >= FirstTicket && ticket < FirstTicket + Entries.Count;

        public JournalReceipt ReceiptFor(long ticket) => new(Waiters.Task, Durable.Task, ticket);
    }
}
