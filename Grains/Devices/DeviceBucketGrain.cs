using Analytics.Grains.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Metadata;
using Orleans.Runtime;

namespace Analytics.Grains.Devices;

/// <summary>
/// Persisted device states of one bucket of one app, packed into pages (<see cref="DevicePages"/>). Reentrant so that loads waiting for a
/// journal replay and the replay's own calls do not block each other; every mutation is
/// synchronous, so turns never interleave in the middle of one, and one write runs at a time.
/// </summary>
// The dashboard's per-call profiler costs more than these calls do (measured): not profiled.
[Orleans.Dashboard.NoProfiling]
[Reentrant]
public sealed partial class DeviceBucketGrain(
    TableStore tables,
    BucketLeftovers leftovers,
    IClusterMembershipService membership,
    IClusterManifestProvider manifests,
    GrainInterfaceTypeResolver interfaces,
    Journal.JournalLiveness liveness,
    IOptions<StorageOptions> options,
    ILogger<DeviceBucketGrain> logger) : Grain, IDeviceBucketGrain
{
    private const string MetaRow = "~meta";

    /// <summary>The meta row's property that says the bucket's last activation ended with everything written.</summary>
    private const string CleanProperty = "C";

    /// <summary>The meta row's property naming the activation that wrote it last (only that one may mark the bucket clean).</summary>
    private const string ActivationProperty = "A";

    /// <summary>How often a live journal whose silo is not yet in the cluster's manifest is asked again before the catch-up goes on without it.</summary>
    private const int CatchUpAttempts = 10;

    /// <summary>Journals remembered before those no longer open are dropped (<see cref="ForgetFinishedJournalsAsync"/>).</summary>
    private const int MaxWatermarks = 32;

    private readonly DevicePages _devices = new();
    private readonly Dictionary<string, long> _watermarks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _durable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _holders = new(StringComparer.Ordinal);

    /// <summary>
    /// Devices whose newest record (this ticket of the holder's journal) may not be durable yet:
    /// their grain left before it was (<see cref="IDeviceBucketGrain.UnsettledAsync"/>), or the
    /// journal listed it as unwritten when this activation caught up (<see cref="CatchUpOnceAsync"/>,
    /// with the device's sequence number after that record). Until their next load, or until a
    /// state of that sequence number arrives (a listed device only).
    /// </summary>
    private readonly Dictionary<string, (long Ticket, long Seq)> _unsettled = new(StringComparer.Ordinal);

    /// <summary>The silo of each journal a holder was settled with (a journal's silo never changes).</summary>
    private readonly Dictionary<string, string> _journalSilos = new(StringComparer.Ordinal);
    private readonly string _activation = Guid.NewGuid().ToString("N");
    private Task _replayed = Task.CompletedTask;

    /// <summary>The membership version <see cref="_replayed"/> judged the journals' silos by.</summary>
    private MembershipVersion _replayedView;
    private Task _caughtUp = Task.CompletedTask;
    private bool _catchUpSkipped;
    private Task? _writing;
    private TableClient _table = null!;
    private string _partition = null!;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _partition = KeyEncoding.Encode(this.GetPrimaryKeyString());
        _table = await tables.DevicesAsync();

        // No meta row: no activation of this bucket ever began (each marks the row first, below).
        var clean = true;
        foreach (var row in await TableStore.ReadPartitionAsync(_table, _partition, "bucket-load", cancellationToken))
        {
            if (row.RowKey == MetaRow)
            {
                clean = row.GetBoolean(CleanProperty) == true;
                var saved = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(row.GetString("W") ?? "{}") ?? [];
                foreach (var (journal, w) in saved)
                {
                    _watermarks[journal] = w;
                    _durable[journal] = w;
                }

                continue;
            }

            if (DevicePages.TryParseRowKey(row.RowKey, out var page))
            {
                _devices.LoadPage(page, BinaryChunks.Read(row));
            }
            else
            {
                // A row of one device: the layout before pages. It moves into a page at the next write.
                _devices.LoadLegacy(row.RowKey, KeyEncoding.Decode(row.RowKey), row.GetInt64("Q") ?? 0, row.GetBinary("S") ?? []);
            }
        }

        // This activation marks the bucket unclean (and as its own) before it takes anything.
        await TableStore.SubmitAsync(_table, [new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(_partition, MetaRow) { [CleanProperty] = false, [ActivationProperty] = _activation })], "bucket-mark", cancellationToken);

        if (leftovers.Take(this.GetPrimaryKeyString()) is { } left)
        {
            // What this bucket's previous activation here could not write: newer than the rows.
            foreach (var (deviceId, seq, state) in left.States)
            {
                _devices.Put(deviceId, seq, state);
            }

            foreach (var (journal, w) in left.Watermarks)
            {
                _watermarks[journal] = Math.Max(w, _watermarks.GetValueOrDefault(journal));
            }
        }

        var period = TimeSpan.FromMilliseconds(options.Value.DeviceCheckpointMs);
        this.RegisterGrainTimer(_ => WriteAsync(), new GrainTimerCreationOptions(period, period) { Interleave = true, KeepAlive = false });

        // States newer than these rows may sit in the journal of a silo that died (with this
        // bucket's previous activation, perhaps): loads wait until such journals are replayed.
        // Not awaited here, because the replay itself calls this bucket.
        _replayedView = membership.CurrentSnapshot.Version;
        _replayed = liveness.ReplayDeadAsync("bucket-replay-check");

        // Unless the previous activation ended with everything written, states newer than these
        // rows may also have come to it from the journals of live silos (it died with its silo
        // before writing them): loads wait until those journals have sent them again. Not awaited
        // here either: the journals' sends call this bucket. This activation marked the bucket
        // unclean above, so that if it dies too, the next one catches up.
        if (!clean)
        {
            _caughtUp = CatchUpAsync();
        }
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await WriteAsync();
        if (_devices.HasDirty || AheadOfDurable(_watermarks))
        {
            // The write failed: the silo keeps the unwritten states for this bucket's next activation.
            leftovers.Leave(this.GetPrimaryKeyString(), _devices.DirtyStates(), _watermarks);
            LogLeftStates(logger, this.GetPrimaryKeyString());
            return;
        }

        // A catch-up that did not finish, or went on without a journal, leaves states this
        // activation never had: the next one must ask again. So does a device whose grain left
        // before its newest record was written (its journal sends that state later, perhaps
        // after this activation is gone).
        if (!_caughtUp.IsCompletedSuccessfully || _catchUpSkipped || _unsettled.Count > 0)
        {
            return;
        }

        // Everything it received is written: the next activation, here or anywhere, has nothing
        // to catch up. Only if the meta row is still this activation's (a deactivation that
        // outlasts Orleans' timeout runs on beside the next activation, which must not be
        // marked clean by it), and only the row read (the ETag).
        try
        {
            TableStore.Count("bucket-mark-read");
            var meta = await _table.GetEntityIfExistsAsync<TableEntity>(_partition, MetaRow, cancellationToken: CancellationToken.None);
            if (meta.HasValue && meta.Value!.GetString(ActivationProperty) == _activation)
            {
                var mark = new TableEntity(_partition, MetaRow) { [CleanProperty] = true };
                await TableStore.SubmitAsync(_table, [new TableTransactionAction(TableTransactionActionType.UpdateMerge, mark, meta.Value.ETag)], "bucket-mark", CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogWriteFailed(logger, e, this.GetPrimaryKeyString());
        }
    }

    async Task<byte[]?> IDeviceBucketGrain.LoadAsync(string deviceId, string journalId)
    {
        if (_replayed.IsFaulted || _replayed.IsCanceled || (_replayed.IsCompleted && membership.CurrentSnapshot.Version.CompareTo(_replayedView) > 0))
        {
            // The check failed (storage was unreachable): try again rather than fail forever.
            // Or this silo has since learnt of a change in the cluster (a silo it still saw alive
            // may be dead now): look again, or a dead journal's states could be missed.
            _replayedView = membership.CurrentSnapshot.Version;
            _replayed = liveness.ReplayDeadAsync("bucket-replay-check");
        }

        if (_caughtUp.IsFaulted || _caughtUp.IsCanceled)
        {
            _caughtUp = CatchUpAsync();
        }

        await _replayed;
        await _caughtUp;
        if (_holders.TryGetValue(deviceId, out var holder))
        {
            // The device's last grain never handed its state back: its silo died or stopped, or
            // it left before its newest record was written (UnsettledAsync). If that silo is
            // dead, its journal's replay has the newest state; if it lives, the journal sends it
            // once written. Either way it comes before this load answers.
            if (holder != journalId && await SiloOfAsync(holder) is { Length: > 0 } holderSilo && StatusOf(holderSilo) is SiloStatus.Dead or SiloStatus.None)
            {
                await GrainFactory.GetGrain<IJournalDirectoryGrain>(0).EnsureReplayedAsync(holder);
            }

            await SettleWithAsync(holder, _unsettled.GetValueOrDefault(deviceId).Ticket);
            _unsettled.Remove(deviceId);
        }

        _holders[deviceId] = journalId;
        return _devices.StateOf(deviceId);
    }

    Task<CounterAck> IDeviceBucketGrain.PutAsync(DeviceStateBatch batch)
    {
        var wm = _watermarks.GetValueOrDefault(batch.JournalId);
        if (batch.To <= wm)
        {
            return Task.FromResult(new CounterAck { Status = BatchStatus.Duplicate, Watermark = wm, Durable = _durable.GetValueOrDefault(batch.JournalId) });
        }

        if (batch.From != wm)
        {
            return Task.FromResult(new CounterAck { Status = BatchStatus.Gap, Watermark = wm, Durable = _durable.GetValueOrDefault(batch.JournalId) });
        }

        for (var i = 0; i < batch.DeviceIds.Length; i++)
        {
            _devices.Put(batch.DeviceIds[i], batch.Seqs[i], batch.States[i]);
            if (_unsettled.Count > 0)
            {
                SettledBy(batch.DeviceIds[i]);
            }
        }

        _watermarks[batch.JournalId] = batch.To;
        return Task.FromResult(new CounterAck { Status = BatchStatus.Applied, Watermark = batch.To, Durable = _durable.GetValueOrDefault(batch.JournalId) });
    }

    Task IDeviceBucketGrain.ReleaseAsync(string deviceId, long seq, byte[] state, string journalId)
    {
        _devices.Put(deviceId, seq, state);
        if (_holders.TryGetValue(deviceId, out var holder) && holder == journalId)
        {
            // Its grain left with its last record durable: nothing of it is left to wait for.
            _holders.Remove(deviceId);
            _unsettled.Remove(deviceId);
        }
        else
        {
            SettledBy(deviceId);
        }

        return Task.CompletedTask;
    }

    Task IDeviceBucketGrain.UnsettledAsync(string deviceId, string journalId, long ticket)
    {
        _holders[deviceId] = journalId;
        _unsettled[deviceId] = (ticket, long.MaxValue);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Drops the mark of <paramref name="deviceId"/> once this bucket holds the state its journal
    /// listed as unwritten (or a newer one): its grain handed it back, or the journal sent it (a
    /// silo's clean shutdown sends every state). The holder stays: the grain may still be live.
    /// </summary>
    private void SettledBy(string deviceId)
    {
        if (_unsettled.TryGetValue(deviceId, out var mark) && _devices.SeqOf(deviceId) >= mark.Seq)
        {
            _unsettled.Remove(deviceId);
        }
    }

    async Task<long> IDeviceBucketGrain.FlushAsync(string journalId)
    {
        await WriteAsync();
        return _durable.GetValueOrDefault(journalId);
    }

    Task<long> IDeviceBucketGrain.GetWatermarkAsync(string journalId) => Task.FromResult(_watermarks.GetValueOrDefault(journalId));

    Task<int> IDeviceBucketGrain.CountAsync() => Task.FromResult(_devices.Count);

    async Task IDeviceBucketGrain.ClearAsync()
    {
        leftovers.Take(this.GetPrimaryKeyString());
        var rows = await TableStore.ReadPartitionAsync(_table, _partition, "bucket-clear");
        foreach (var chunk in rows.Where(r => r.RowKey != MetaRow).Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(_partition, r.RowKey))).Chunk(TableStore.MaxBatch))
        {
            await TableStore.SubmitAsync(_table, chunk, "bucket-clear");
        }

        _devices.Clear();
        _holders.Clear();
        _unsettled.Clear();
    }

    /// <summary>
    /// Asks the journal of every live silo (<see cref="Journal.JournalLiveness"/>; this one included) to send again whatever
    /// it routed to this bucket that the bucket does not hold
    /// (<see cref="IJournalPeerGrain.CatchUpBucketAsync"/>). Dead silos' journals are replayed
    /// instead (the journal directory; <see cref="_replayed"/> may have judged them while this
    /// silo still saw their silo alive). An active silo that cannot be asked fails the loads waiting here,
    /// and the next load asks again; one that is joining or leaving is asked, but not waited for
    /// if it cannot answer.
    /// </summary>
    private async Task CatchUpAsync()
    {
        var registry = await tables.JournalsAsync();
        var rows = await TableStore.ReadPartitionAsync(registry, Journal.JournalRegistry.Partition, "bucket-catch-up");
        var key = this.GetPrimaryKeyString();
        // A journal that is not alive is replayed rather than asked (the same rule as the replay
        // check's), also if this activation's replay check ran while this silo still saw its
        // silo alive.
        await Task.WhenAll(rows.Select(row => row.GetString("Silo") is { } silo && liveness.IsAlive(row)
            ? CatchUpWithAsync(silo, row.RowKey, key)
            : GrainFactory.GetGrain<IJournalDirectoryGrain>(0).EnsureReplayedAsync(row.RowKey)));
    }

    private async Task CatchUpWithAsync(string silo, string journalId, string key)
    {
        for (var attempt = 1; ; attempt++)
        {
            CatchUpAnswer answer;
            try
            {
                answer = await CatchUpOnceAsync(silo, journalId, key);
            }
            catch (Exception) when (StatusOf(silo) != SiloStatus.Active)
            {
                _catchUpSkipped = true;
                return;
            }

            if (answer == CatchUpAnswer.Done)
            {
                return;
            }

            // Answered from another silo: the journal's silo is gone, or runs a version without
            // the peer grain, or is not yet in the cluster's manifest (it just joined: ask again).
            // Going on without it, this activation must not mark the bucket clean.
            if (StatusOf(silo) != SiloStatus.Active)
            {
                _catchUpSkipped = true;
                return;
            }

            if (answer == CatchUpAnswer.SiloCannotHost || attempt == CatchUpAttempts)
            {
                _catchUpSkipped = true;
                LogPeerNotAsked(logger, key, journalId, silo);
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// One catch-up with journal <paramref name="journalId"/> on <paramref name="silo"/>. The
    /// journal also names the devices of this bucket whose newest record it has not yet written:
    /// they are marked as held by it with that record's ticket, as if their grain had said so
    /// (<see cref="IDeviceBucketGrain.UnsettledAsync"/>; this activation may never have heard
    /// it), so that their next load waits for that record. A silo of a version without that
    /// call gets the old one, which cannot name them: this activation then must not mark the
    /// bucket clean.
    /// </summary>
    private async Task<CatchUpAnswer> CatchUpOnceAsync(string silo, string journalId, string key)
    {
        GrainManifest? manifest = null;
        var inManifest = SiloAddress.TryParse(silo, out var address) && manifests.Current.Silos.TryGetValue(address, out manifest);
        if (inManifest && !manifest!.Interfaces.ContainsKey(interfaces.GetGrainInterfaceType(typeof(IJournalCatchUpGrain))))
        {
            _catchUpSkipped = true;
            return await GrainFactory.GetGrain<IJournalPeerGrain>(silo).CatchUpBucketAsync(journalId, key);
        }

        BucketCatchUp report;
        try
        {
            report = await GrainFactory.GetGrain<IJournalCatchUpGrain>(silo).CatchUpBucketAsync(journalId, key);
        }
        catch (Exception) when (!inManifest && StatusOf(silo) == SiloStatus.Active)
        {
            // Not yet in this silo's view of the cluster's manifest, so of unknown version (one
            // whose peer cannot take this call fails it): asked again, as a silo that just joined.
            return CatchUpAnswer.NotThisSilo;
        }

        for (var i = 0; i < report.Devices.Length; i++)
        {
            var deviceId = report.Devices[i];

            // Not if this bucket holds that state already (the grain handed it back meanwhile),
            // nor if the device's grain has told this activation of a holder of its own.
            if (_devices.SeqOf(deviceId) >= report.Seqs[i] || (_holders.TryGetValue(deviceId, out var holder) && holder != journalId))
            {
                continue;
            }

            _holders[deviceId] = journalId;
            var before = _unsettled.GetValueOrDefault(deviceId);
            _unsettled[deviceId] = (Math.Max(report.Tickets[i], before.Ticket), Math.Max(report.Seqs[i], before.Seq));
        }

        return report.Answer;
    }

    /// <summary>
    /// Waits until journal <paramref name="journalId"/>, which held a device that did not hand its
    /// state back, has sent this bucket every state it routed here
    /// (<see cref="IJournalPeerGrain.CatchUpBucketAsync"/>), and first written the device's newest
    /// record <paramref name="ticket"/> if its grain left before that (0: it did not;
    /// <see cref="IJournalPeerGrain.SettleDeviceAsync"/>). A journal of a dead silo is left to its
    /// replay. Without a ticket, a silo that cannot be asked while it leaves has handed its states
    /// over as it stops. With one, the load fails until that journal has answered or its silo is
    /// dead (then replayed), and the device's next activation asks again.
    /// </summary>
    private async Task SettleWithAsync(string journalId, long ticket)
    {
        var silo = await SiloOfAsync(journalId);
        if (silo.Length == 0 || StatusOf(silo) is SiloStatus.Dead or SiloStatus.None)
        {
            return;
        }

        var peer = GrainFactory.GetGrain<IJournalPeerGrain>(silo);
        CatchUpAnswer answer;
        try
        {
            answer = ticket > 0
                ? await peer.SettleDeviceAsync(journalId, this.GetPrimaryKeyString(), ticket)
                : await peer.CatchUpBucketAsync(journalId, this.GetPrimaryKeyString());
        }
        catch (Exception) when (StatusOf(silo) is SiloStatus.Dead || (ticket == 0 && StatusOf(silo) != SiloStatus.Active))
        {
            return;
        }

        // Answered from another silo: the journal's silo is gone, or leaving, or an older version
        // (which cannot wait for a record). Only a device whose record may still be written waits.
        if (answer == CatchUpAnswer.Done || ticket == 0 || answer == CatchUpAnswer.SiloCannotHost || StatusOf(silo) is SiloStatus.Dead)
        {
            return;
        }

        throw new TimeoutException($"Journal {journalId} cannot yet say whether record {ticket} is written (silo {silo} is {StatusOf(silo)}); the device's load is tried again.");
    }

    /// <summary>
    /// The silo of journal <paramref name="journalId"/> from the registry (remembered: a journal's
    /// silo never changes); empty once the journal is gone from it (closed or replayed; a journal
    /// registers before its first record), when it has nothing more to send.
    /// </summary>
    private async Task<string> SiloOfAsync(string journalId)
    {
        if (!_journalSilos.TryGetValue(journalId, out var silo))
        {
            var registry = await tables.JournalsAsync();
            TableStore.Count("bucket-holder-read");
            var row = await registry.GetEntityIfExistsAsync<TableEntity>(Journal.JournalRegistry.Partition, journalId, ["Silo"]);
            silo = row.HasValue ? row.Value!.GetString("Silo") ?? "" : "";
            _journalSilos[journalId] = silo;
        }

        return silo;
    }

    /// <summary>Whether any of <paramref name="watermarks"/> differs from what is written (the meta row must be written).</summary>
    private bool AheadOfDurable(Dictionary<string, long> watermarks) => watermarks.Any(w => _durable.GetValueOrDefault(w.Key) != w.Value);

    /// <summary>A silo's status in this silo's view of the membership (<see cref="SiloStatus.None"/> for one it does not know).</summary>
    private SiloStatus StatusOf(string silo)
    {
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (string.Equals(member.SiloAddress.ToParsableString(), silo, StringComparison.Ordinal))
            {
                return member.Status;
            }
        }

        return SiloStatus.None;
    }

    private async Task WriteAsync()
    {
        // One write at a time; a caller arriving during a write waits for it and then writes what is left.
        while (_writing is { } running)
        {
            await running;
        }

        var write = WriteOnceAsync();
        _writing = write;
        try
        {
            await write;
        }
        finally
        {
            _writing = null;
        }
    }

    private async Task WriteOnceAsync()
    {
        if (_watermarks.Count > MaxWatermarks)
        {
            await ForgetFinishedJournalsAsync();
        }

        // Encoded in this turn, with the watermarks they go with: puts arriving during the write dirty their pages again.
        var pages = _devices.TakeDirty();
        var watermarks = new Dictionary<string, long>(_watermarks, StringComparer.Ordinal);
        var metaChanged = AheadOfDurable(watermarks);
        var legacy = _devices.LegacyRows.ToList();
        if (pages.Count == 0 && !metaChanged && legacy.Count == 0)
        {
            return;
        }

        try
        {
            var actions = new List<TableTransactionAction>(pages.Count + 1);
            foreach (var (page, payload) in pages)
            {
                var entity = new TableEntity(_partition, DevicePages.RowKey(page));
                BinaryChunks.Write(entity, payload);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
            }

            // Without the clean mark (absent: unclean) and as this activation's.
            var meta = new TableEntity(_partition, MetaRow) { ["W"] = System.Text.Json.JsonSerializer.Serialize(watermarks), [ActivationProperty] = _activation };

            // The watermark row goes last: it may only claim what is already written.
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, meta));
            foreach (var batch in TableStore.Batches(actions))
            {
                await TableStore.SubmitAsync(_table, batch, "bucket-write");
            }

            foreach (var (j, w) in watermarks)
            {
                _durable[j] = w;
            }

            // Rows of the layout before pages go once their states are in written pages (a crash in
            // between leaves both, and loading keeps the newer).
            foreach (var chunk in legacy.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(_partition, k))).Chunk(TableStore.MaxBatch))
            {
                await TableStore.SubmitAsync(_table, chunk, "bucket-write");
            }

            if (legacy.Count > 0)
            {
                _devices.LegacyRowsDeleted();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _devices.MarkDirty(pages.Select(p => p.Page));
            LogWriteFailed(logger, e, this.GetPrimaryKeyString());
        }
    }

    /// <summary>
    /// Drops the watermarks of journals that are gone from the registry (closed cleanly, or
    /// replayed after their process died): no batch comes from them any more. Without this the
    /// meta row's <c>W</c> would grow with every silo process that ever wrote to the bucket, up
    /// to the 64 KiB a string property holds.
    /// </summary>
    private async Task ForgetFinishedJournalsAsync()
    {
        try
        {
            var registry = await tables.JournalsAsync();
            var open = (await TableStore.ReadPartitionAsync(registry, Journal.JournalRegistry.Partition, "bucket-journals")).Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
            foreach (var journal in _watermarks.Keys.Where(j => !open.Contains(j)).ToList())
            {
                _watermarks.Remove(journal);
                _durable.Remove(journal);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogWriteFailed(logger, e, this.GetPrimaryKeyString());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device bucket {Key} deactivated with unwritten states; the silo keeps them for its next activation")]
    private static partial void LogLeftStates(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device bucket {Key} could not ask journal {Journal} of silo {Silo} for states it may have lost (that silo runs a version without the journal peer grain, or is not yet in the cluster manifest); going on without")]
    private static partial void LogPeerNotAsked(ILogger logger, string key, string journal, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device bucket {Key} could not write; will retry")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, string key);
}
