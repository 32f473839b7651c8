using Analytics.Grains.Codec;
using Analytics.Grains.Domain;
using Analytics.Grains.Journal;
using Analytics.Grains.Live;
using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Analytics.Grains.Devices;

/// <summary>
/// One device of one app. Applies its requests in order with the pure session rules,
/// journals each one and answers once it is durable. No timers, a few hundred bytes of
/// state, collected after two idle minutes or right after its session ends.
/// </summary>
// The dashboard's per-call profiler costs more than these calls do (measured): not profiled.
[Orleans.Dashboard.NoProfiling]
[CollectionAgeLimit(Minutes = 2)]
public sealed class DeviceGrain(IngestJournal journal, JournalWatch watch, LiveTracker live, GrainRefs<IDeviceBucketGrain> buckets, IOptions<StorageOptions> options, IOptions<GrainCollectionOptions> collection) : Grain, IDeviceGrain
{
    private string _appId = null!;
    private string _deviceId = null!;
    private IDeviceBucketGrain _bucket = null!;
    private DeviceState _state = null!;
    private byte[] _encoded = null!;
    private readonly bool _durableAcks = options.Value.DurableAcks;
    private readonly int _ackAhead = options.Value.AckAheadRecords;
    private JournalReceipt _last = JournalReceipt.Done;

    /// <summary>When <see cref="_last"/> was appended (<see cref="Environment.TickCount64"/>).</summary>
    private long _lastAppendedAt;

    /// <summary>When this grain first asked to be deactivated (<see cref="Environment.TickCount64"/>; 0: never).</summary>
    private long _leaveAskedAt;

    /// <summary>The grain key of a device.</summary>
    public static string KeyOf(string appId, string deviceId) => string.Concat(appId, ":", deviceId);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _appId = key[..key.IndexOf(':')];
        _deviceId = key[(_appId.Length + 1)..];
        _bucket = buckets.Get(DeviceBuckets.KeyOf(_appId, _deviceId, options.Value.DeviceBuckets));
        var stored = await _bucket.LoadAsync(_deviceId, journal.JournalId);
        _state = stored is null ? new DeviceState() : DeviceStateCodec.Decode(stored);
        _encoded = stored ?? DeviceStateCodec.Encode(_state);
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Hand the newest state back to the bucket (it is durable in the journal already), so a
        // later activation anywhere in the cluster starts from it; this also releases the device.
        // On silo shutdown the journal has already handed every state to its bucket and
        // waited for the write (IngestPipelineHost), and buckets may be gone by now.
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            // Requests are answered by their caller's wait (JournalAsync), so the newest may not be
            // durable yet: hand back only a state that the journal holds, or a crash before that
            // record is written would leave the bucket counting a request no client was told of,
            // and its re-send would be taken for a duplicate. If storage stays down past the
            // deactivation timeout, the state is not handed back: the device stays held by this
            // journal, and its next load waits for the journal to send the state once written,
            // or for its replay if this silo dies first (docs/durability.md, "Known limits").
            // The bucket hears of that while this activation surely still holds the device: Orleans
            // counts its timeout from when the deactivation was asked, perhaps in the turn that
            // appended the record (an end_session waiting for its commit there), and then drops
            // the activation whatever this method still does, so a later activation's load could
            // come first. Hence the budget runs from the append, or from this grain's own request
            // to leave if that came first in the turn, and a record not durable within a tenth of
            // the timeout is reported at once (a later hand-back clears the report).
            var timeout = collection.Value.DeactivationTimeout;
            var since = _leaveAskedAt == 0 ? _lastAppendedAt : Math.Min(_lastAppendedAt, _leaveAskedAt);
            var left = (timeout * 0.8) - TimeSpan.FromMilliseconds(Environment.TickCount64 - since);
            var early = TimeSpan.FromTicks(Math.Min(left.Ticks, (timeout * 0.1).Ticks));
            if (!await DurableWithinAsync(early, cancellationToken))
            {
                await _bucket.UnsettledAsync(_deviceId, journal.JournalId, _last.Ticket);
                if (!await DurableWithinAsync(left - early, cancellationToken))
                {
                    return;
                }
            }

            await _bucket.ReleaseAsync(_deviceId, _state.Seq, _encoded, journal.JournalId);
        }
    }

    /// <summary>Asks Orleans to deactivate this grain once idle, noting when (Orleans' deactivation timeout runs from then).</summary>
    private void Leave()
    {
        if (_leaveAskedAt == 0)
        {
            _leaveAskedAt = Environment.TickCount64;
        }

        DeactivateOnIdle();
    }

    /// <summary>Whether <see cref="_last"/> is durable, or becomes so within <paramref name="wait"/>.</summary>
    private async Task<bool> DurableWithinAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_last.Durable.IsCompleted || wait <= TimeSpan.Zero)
        {
            return _last.Durable.IsCompletedSuccessfully;
        }

        try
        {
            await _last.Durable.WaitAsync(wait, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    Task<IngestResult> IDeviceGrain.IngestAsync(IngestRequest request) =>
        MergesAnother(request) ? MergeAsync(request) : SettleAsync(Apply(request, inBulk: false));

    /// <inheritdoc />
    /// <remarks>
    /// Served only for frontends of the previous version during a rolling upgrade; current ones
    /// call <see cref="IDeviceGrain.JournalAsync"/>. A co-hosted caller (matching journal) waits
    /// for the ticket itself; any other caller is answered once the record is durable.
    /// </remarks>
    async Task<IngestAck> IDeviceGrain.AppendAsync(IngestRequest request, string callerJournal)
    {
        if (MergesAnother(request))
        {
            return new IngestAck { Result = await MergeAsync(request) };
        }

        var applied = Apply(request, inBulk: false);
        if (applied.Receipt is not { } receipt)
        {
            return new IngestAck { Result = applied.Result };
        }

        if (string.Equals(callerJournal, journal.JournalId, StringComparison.Ordinal))
        {
            // Ticket 0 (a duplicate of a request already durable) makes the result final.
            return new IngestAck { Result = applied.Result, Ticket = receipt.Ticket };
        }

        return new IngestAck { Result = await receipt.SettleAsync(applied.Result) };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every caller waits for the journal itself (docs/write-path.md, "The durability wait"):
    /// the co-hosted frontend in its own journal when the ticket is from it, any other (a
    /// frontend on another silo or in the separate tier) through <see cref="IngestAck.Watch"/>.
    /// </remarks>
    Task<IngestAck> IDeviceGrain.JournalAsync(IngestRequest request)
    {
        if (MergesAnother(request))
        {
            return MergeAckAsync(request);
        }

        var applied = Apply(request, inBulk: false);
        if (applied.Receipt is not { } receipt)
        {
            return Task.FromResult(new IngestAck { Result = applied.Result });
        }

        // Ticket 0 (a duplicate of a request already durable) makes the result final.
        return Task.FromResult(receipt.Ticket == 0
            ? new IngestAck { Result = applied.Result }
            : new IngestAck { Result = applied.Result, Ticket = receipt.Ticket, Journal = journal.JournalId, Watch = watch.Reference });
    }

    async Task<IngestResult[]> IDeviceGrain.IngestManyAsync(IngestRequest[] requests)
    {
        // Every item is applied and appended first, then the answers wait: the items share one
        // or two journal segments instead of waiting for a segment each (a bulk of one device's
        // queued requests would otherwise take one journal cut per item).
        // A re-sent bulk skips the fingerprinted items it applied before (BulkResend), and the
        // items after one the journal refused are refused too: the device's order holds, and
        // what was applied is always a prefix that the re-sent bulk can skip.
        var mark = BulkResend.MarkOf(requests);
        var skip = mark == 0 ? 0 : _state.BeginBulk(mark);
        var seen = 0;
        var refused = false;
        var applied = new Applied[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            var marked = mark != 0 && requests[i].Fingerprint != 0;
            if (refused)
            {
                applied[i] = new Applied(IngestResult.Overloaded, null);
            }
            else if (marked && seen < skip)
            {
                seen++;
                applied[i] = AlreadyApplied();
                if (MergesAnother(requests[i]))
                {
                    // Applied before, but the device it merged may not have emptied itself yet.
                    for (var j = 0; j < i; j++)
                    {
                        await SettleAsync(applied[j]);
                    }

                    var cleared = await MergedAwayAsync(requests[i]);
                    if (cleared != IngestResult.Success)
                    {
                        applied[i] = new Applied(cleared, null);
                        refused = true;
                    }
                }
            }
            else if (MergesAnother(requests[i]))
            {
                // Rare (an SDK's device-id change queued in a bulk): settled on its own, in order.
                for (var j = 0; j < i; j++)
                {
                    await SettleAsync(applied[j]);
                }

                var result = await MergeAsync(requests[i], marked);
                applied[i] = new Applied(result, null);
                refused = result is IngestResult.Overloaded or IngestResult.Pending;
            }
            else
            {
                applied[i] = Apply(requests[i], marked);
                refused = applied[i].Result == IngestResult.Overloaded;
            }
        }

        var results = new IngestResult[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            results[i] = await SettleAsync(applied[i]);
        }

        return results;
    }

    async Task<MergeSource> IDeviceGrain.StateForMergeAsync()
    {
        // The merging device's record may go to another silo's journal: the state it takes must
        // not be ahead of what this device's journal holds, or a crash could leave the merged
        // state counting requests that were never acknowledged (and will be re-sent here).
        if (!await _last.Wait)
        {
            return new MergeSource { Ready = false };
        }

        return new MergeSource { Ready = true, State = IsEmpty(_state) ? null : _encoded };
    }

    async Task<IngestResult> IDeviceGrain.MergedIntoAsync(string deviceId, string timeZone, int epoch)
    {
        if (IsEmpty(_state))
        {
            return IngestResult.Success;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var record = new IngestRequest { AppId = _appId, DeviceId = _deviceId, Timestamp = now, ReceivedAt = now, TimeZone = timeZone, Epoch = epoch, MergedInto = deviceId };
        var result = await SettleAsync(Apply(record, inBulk: false));

        // Its state is now another device's; nothing keeps this activation.
        Leave();
        return result;
    }

    private static bool IsEmpty(DeviceState state) => !state.HasBegun && state.Pending is not { Count: > 0 };

    /// <summary>Whether <paramref name="request"/> merges another device into this one (<c>old_device_id</c>).</summary>
    private bool MergesAnother(IngestRequest request) =>
        request.MergeFrom is { } from && !string.Equals(from, _deviceId, StringComparison.Ordinal);

    private async Task<IngestAck> MergeAckAsync(IngestRequest request) => new() { Result = await MergeAsync(request) };

    /// <summary>
    /// A request that merges the device <see cref="IngestRequest.MergeFrom"/> into this one, in
    /// two durable steps (docs/write-path.md, "Device-id merges"): this device's record carries
    /// the other's state, so a replay merges the same; once it is durable, the other device
    /// empties itself with a record of its own, and only then is the request answered. A crash
    /// in between leaves both states (the SDK re-sends the request, which is then a duplicate
    /// here and asks the other device again), never neither. Runs within this grain's turn, which
    /// is held for the two writes; merges are rare.
    /// </summary>
    private async Task<IngestResult> MergeAsync(IngestRequest request, bool inBulk = false)
    {
        var other = GrainFactory.GetGrain<IDeviceGrain>(KeyOf(_appId, request.MergeFrom!));
        byte[]? merged = null;
        if (!_state.HasFingerprint(request.Fingerprint))
        {
            var source = await other.StateForMergeAsync();
            if (!source.Ready)
            {
                return IngestResult.Pending;
            }

            merged = source.State;
        }

        var result = Apply(request with { MergedState = merged }, inBulk).Result;
        if (result is not (IngestResult.Success or IngestResult.Duplicate))
        {
            return result;
        }

        // The merge record (or, for a duplicate, the original's) must be durable before the other
        // device empties itself, even when answers need not wait (DurableAcks=false): otherwise a
        // crash could keep the emptying and lose the merge.
        if (!await _last.Wait)
        {
            return IngestResult.Pending;
        }

        var cleared = await MergedAwayAsync(request);
        return cleared == IngestResult.Success ? result : cleared;
    }

    /// <summary>Asks the device <see cref="IngestRequest.MergeFrom"/> names to empty itself (nothing happens when it is already empty).</summary>
    private Task<IngestResult> MergedAwayAsync(IngestRequest request) =>
        GrainFactory.GetGrain<IDeviceGrain>(KeyOf(_appId, request.MergeFrom!)).MergedIntoAsync(_deviceId, request.TimeZone, request.Epoch);

    /// <summary>The answer once the request's journal record is durable (or the wait gave up: <see cref="IngestResult.Pending"/>).</summary>
    private static Task<IngestResult> SettleAsync(Applied applied) =>
        applied.Receipt is { } receipt ? receipt.SettleAsync(applied.Result) : Task.FromResult(applied.Result);

    /// <summary>
    /// Applies one request in this turn; what the answer still waits for comes back as a receipt.
    /// <paramref name="inBulk"/>: the request is a fingerprinted item of a marked bulk, counted in
    /// <see cref="DeviceState.BulkApplied"/> once applied (or recognised as a duplicate).
    /// </summary>
    private Applied Apply(IngestRequest request, bool inBulk)
    {
        var before = _encoded;
        var (bulkMark, bulkApplied) = (_state.BulkMark, _state.BulkApplied);
        var increments = new CounterIncrements(CounterIncrements.CapacityFor(request));
        var outcome = SessionRules.Apply(_state, request, TimeZones.Get(request.TimeZone), increments);
        if (inBulk)
        {
            // Outside the session rules, so a journal replay (JournalReplay.Derive) leaves this
            // record's item out of the count; it is then the newest fingerprint in the window,
            // which recognises it when the bulk comes again.
            _state.BulkApplied++;
        }

        if (outcome == SessionRules.Outcome.Duplicate)
        {
            return AlreadyApplied();
        }

        _state.Seq++;
        var after = DeviceStateCodec.Encode(_state);
        var entry = new JournalEntry { Seq = _state.Seq, StateBefore = before, Request = request, StateAfter = after, Increments = increments };
        if (!journal.TryAppend(entry, out var receipt))
        {
            _state = DeviceStateCodec.Decode(before);
            (_state.BulkMark, _state.BulkApplied) = (bulkMark, bulkApplied);
            return new Applied(IngestResult.Overloaded, null);
        }

        _encoded = after;
        _last = receipt;
        _lastAppendedAt = Environment.TickCount64;
        // Only a begin the rules counted is a new session (not a merged device's sessions, not a
        // cooldown extension); the merged-away device's record is no client's request.
        live.Observe(_appId, _deviceId, request.ReceivedAt, request.Timestamp, _state.HasOngoingSession, _state.SessionCount == 1,
            countedBegin: outcome == SessionRules.Outcome.Began, events: EventCount(request), isRequest: request.MergedInto is null);
        if (request.EndSession && !request.BeginSession)
        {
            // Sessions end far more often than devices return within two minutes: free the memory now.
            Leave();
        }

        return new Applied(IngestResult.Success, AckNow() ? null : receipt);
    }

    /// <summary>A request applied before: answered once this device's latest record is durable, like the original.</summary>
    private Applied AlreadyApplied() => new(IngestResult.Duplicate, AckNow() ? null : _last);

    /// <summary>Whether to answer before the journal write: only without durable acks, and only while the journal is not too far behind.</summary>
    private bool AckNow() => !_durableAcks && journal.PendingRecords <= _ackAhead;

    private static long EventCount(IngestRequest request)
    {
        // Saturating: thousands of events of counts near 2^53 must not wrap the live total.
        long total = 0;
        var events = request.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var count = Math.Max(0, events[i].Count);
            total = count > long.MaxValue - total ? long.MaxValue : total + count;
        }

        return total;
    }

    private readonly record struct Applied(IngestResult Result, JournalReceipt? Receipt);
}
