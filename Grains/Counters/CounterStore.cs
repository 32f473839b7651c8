using Analytics.Grains.Codec;
using Analytics.Grains.Storage;
using Azure.Data.Tables;

namespace Analytics.Grains.Counters;

/// <summary>
/// The in-memory documents, meta sets and journal watermarks of one counter grain, and how
/// they are loaded from and written to one Table Storage partition (docs/storage.md).
/// </summary>
public sealed class CounterStore
{
    private const string MetaRow = "~meta";
    private const string EpochProperty = "E";

    // Set on the meta row while the rows of a clear (app reset, events deleted) may still exist:
    // a load then reads none of the partition's other rows.
    private const string ClearingProperty = "C";
    private static readonly TimeSpan WatermarkRetention = TimeSpan.FromDays(14);

    private readonly Dictionary<string, Doc> _docs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _meta = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _metaIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Set, char Shard), int> _shardCounts = [];
    private readonly Dictionary<string, (long Segment, long Touched)> _watermarks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _durable = new(StringComparer.Ordinal);
    private readonly string _partition;
    private readonly LimitKind _limits;
    /// <summary>The meta row's copy of the grain key when the partition key is hashed (<see cref="KeyEncoding.IsHashed"/>).</summary>
    public const string KeyProperty = "K";

    /// <summary>Most paths a month document of the last-seen index holds (days, countries and metric values).</summary>
    public const int MaxLastSeenPaths = 100_000;

    private readonly string _key;
    private readonly bool _lastSeen;
    private readonly List<string> _strays = [];

    /// <summary>Rows of a clear not yet deleted; no document is written before they are gone.</summary>
    private readonly List<string> _cleared = [];

    /// <summary>The watermarks when the pending clear began (what its meta row holds); null when none is pending or its meta row is written.</summary>
    private Dictionary<string, (long, long)>? _clearWatermarks;
    private long _maxGeneration;
    private bool _metaDirty;
    private long _metaBytes;
    private int _epoch;

    /// <summary>Creates an empty store for counter grain <paramref name="key"/>.</summary>
    public CounterStore(CounterKey key)
    {
        _key = key.ToString();
        _lastSeen = key.Collection == Collections.LastSeen;
        _partition = KeyEncoding.Encode(_key);
        _limits = key.Collection.StartsWith(Collections.EventPrefix, StringComparison.Ordinal) ? LimitKind.Event
            : key.Collection is Collections.Users or Collections.LastSeen or Collections.Retention ? LimitKind.None
            : LimitKind.Metric;
    }

    private enum LimitKind
    {
        None,
        Metric,
        Event,
    }

    /// <summary>Whether anything changed since the last write.</summary>
    public bool IsDirty => _metaDirty || _cleared.Count > 0 || _clearWatermarks is not null || _docs.Values.Any(d => d.Dirty);

    /// <summary>The in-memory watermark of a journal.</summary>
    public long Watermark(string journalId) => _watermarks.TryGetValue(journalId, out var w) ? w.Segment : 0;

    /// <summary>The durable watermark of a journal.</summary>
    public long Durable(string journalId) => _durable.GetValueOrDefault(journalId);

    /// <summary>The app reset epoch this store holds data of; batches of earlier epochs are dropped.</summary>
    public int Epoch => _epoch;

    /// <summary>Loads the partition.</summary>
    public async Task LoadAsync(TableClient table)
    {
        var rows = await TableStore.ReadPartitionAsync(table, _partition, "counter-load").ConfigureAwait(false);
        var parts = new Dictionary<(string Doc, long Generation), SortedDictionary<int, byte[]>>();
        var rowKeys = new Dictionary<(string Doc, long Generation), List<string>>();
        var generations = new Dictionary<string, long>(StringComparer.Ordinal);
        var docParts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (rows.Find(r => r.RowKey == MetaRow) is { } metaRow && metaRow.GetBoolean(ClearingProperty) == true)
        {
            // A clear wrote its meta row and did not finish deleting the rows it erased: they are
            // not data any more, and are deleted before this grain writes anything.
            _cleared.AddRange(rows.Where(r => r.RowKey != MetaRow).Select(r => r.RowKey));
            rows = [metaRow];
        }

        foreach (var row in rows)
        {
            if (row.RowKey == MetaRow)
            {
                (var wm, var meta, docParts) = DocCodec.DecodeMeta(BinaryChunks.Read(row), out generations);
                _epoch = row.GetInt32(EpochProperty) ?? 0;
                foreach (var (j, w) in wm)
                {
                    _watermarks[j] = w;
                    _durable[j] = w.Segment;
                }

                foreach (var (set, values) in meta)
                {
                    foreach (var v in values)
                    {
                        AddMeta(set, v);
                    }
                }

                continue;
            }

            var (doc, part, generation) = ParseRowKey(row.RowKey);
            _maxGeneration = Math.Max(_maxGeneration, generation);
            if (!parts.TryGetValue((doc, generation), out var list))
            {
                parts[(doc, generation)] = list = [];
                rowKeys[(doc, generation)] = [];
            }

            list[part] = BinaryChunks.Read(row);
            rowKeys[(doc, generation)].Add(row.RowKey);
        }

        foreach (var ((doc, generation), list) in parts)
        {
            if (generation != generations.GetValueOrDefault(doc))
            {
                // Rows of a generation the meta row does not name: written by a checkpoint that
                // did not commit, or replaced by one that did. Never read; deleted at the next write.
                _strays.AddRange(rowKeys[(doc, generation)]);
                continue;
            }

            if (docParts.TryGetValue(doc, out var count))
            {
                // Parts past the count the meta row gives are left from a longer version.
                foreach (var extra in list.Keys.Where(p => p >= count).ToList())
                {
                    list.Remove(extra);
                    _strays.Add(RowKey(doc, extra, generation));
                }
            }

            var bytes = list.Values.SelectMany(b => b).ToArray();
            _docs[doc] = new Doc(DocCodec.DecodeDoc(bytes)) { Parts = list.Count, Generation = generation };
        }

        _metaDirty = false;
    }

    /// <summary>Applies a batch if it is the next contiguous range of its journal.</summary>
    public CounterAck Apply(CounterBatch batch, long nowMs)
    {
        var wm = Watermark(batch.JournalId);
        if (batch.To <= wm)
        {
            return new CounterAck { Status = BatchStatus.Duplicate, Watermark = wm, Durable = Durable(batch.JournalId) };
        }

        if (batch.From != wm)
        {
            return new CounterAck { Status = BatchStatus.Gap, Watermark = wm, Durable = Durable(batch.JournalId) };
        }

        if (batch.Epoch < _epoch)
        {
            // Requests from before an app reset that were still on their way: the reset erased
            // them, so they count for nothing, but their journal range is done.
            _watermarks[batch.JournalId] = (batch.To, nowMs);
            _metaDirty = true;
            return new CounterAck { Status = BatchStatus.Applied, Watermark = batch.To, Durable = Durable(batch.JournalId) };
        }

        _epoch = batch.Epoch;

        HashSet<(string Set, string Value)>? rejected = null;
        for (var i = 0; i < batch.MetaSets.Length; i++)
        {
            var set = batch.MetaSets[i];
            var value = batch.MetaValues[i];
            if (_metaIndex.TryGetValue(set, out var existing) && existing.Contains(value))
            {
                continue;
            }

            if (Allowed(set, value, rejected))
            {
                AddMeta(set, value);
                _metaDirty = true;
            }
            else
            {
                (rejected ??= []).Add((set, value));
            }
        }

        for (var i = 0; i < batch.Docs.Length; i++)
        {
            var docId = batch.Docs[i];
            var path = batch.Paths[i];
            if (rejected is not null && IsRejected(docId, path, rejected))
            {
                continue;
            }

            if (!_docs.TryGetValue(docId, out var doc))
            {
                _docs[docId] = doc = new Doc(new Dictionary<string, decimal>(StringComparer.Ordinal));
            }

            if (_lastSeen)
            {
                doc.Count(path, batch.Values[i], MaxLastSeenPaths);
            }
            else
            {
                doc.Add(path, batch.Values[i]);
            }
        }

        _watermarks[batch.JournalId] = (batch.To, nowMs);
        _metaDirty = true;
        return new CounterAck { Status = BatchStatus.Applied, Watermark = batch.To, Durable = Durable(batch.JournalId) };
    }

    /// <summary>An immutable copy of the requested documents (all when null) and the meta sets.</summary>
    public CounterSnapshot Read(string[]? docs)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, decimal>>(StringComparer.Ordinal);
        if (docs is null)
        {
            foreach (var (id, doc) in _docs)
            {
                result[id] = doc.Snapshot();
            }
        }
        else
        {
            foreach (var id in docs)
            {
                if (_docs.TryGetValue(id, out var doc))
                {
                    result[id] = doc.Snapshot();
                }
            }
        }

        var meta = new Dictionary<string, string[]>(_meta.Count, StringComparer.Ordinal);
        foreach (var (set, values) in _meta)
        {
            meta[set] = [.. values];
        }

        return new CounterSnapshot { Docs = result, Meta = meta };
    }

    /// <summary>
    /// Writes dirty documents and the meta row; returns false when there was nothing to write.
    /// The meta row holds the journal watermarks, so the documents it covers must become visible
    /// with it and not before: a replay applies again whatever lies past the watermark. When
    /// everything fits one entity-group transaction, documents are rewritten in place with the
    /// meta row. When it does not (many dirty documents, or large ones), the documents go to rows
    /// of a new generation that nothing reads yet, and the meta row, written last, names that
    /// generation for them: a crash in between leaves the old rows and the old watermark, which
    /// agree. Rows of other generations are then deleted.
    /// </summary>
    /// <param name="table">The counters table.</param>
    /// <param name="nowMs">Now, for forgetting old watermarks.</param>
    /// <param name="failAfterBatches">Tests only: throw after this many transactions, as a crash would stop the write.</param>
    public async Task<bool> WriteAsync(TableClient table, long nowMs, int failAfterBatches = int.MaxValue)
    {
        if (!IsDirty)
        {
            return false;
        }

        // A clear's rows go before any document is written, or a document written again under
        // the same key could be deleted with them.
        await FinishClearAsync(table);

        // Forget watermarks of journals that have not sent anything for a long time: a journal
        // that old has been trimmed or replayed, so no range of it can arrive again.
        var cutoff = nowMs - (long)WatermarkRetention.TotalMilliseconds;
        foreach (var stale in _watermarks.Where(w => w.Value.Touched < cutoff).Select(w => w.Key).ToList())
        {
            _watermarks.Remove(stale);
            _durable.Remove(stale);
        }

        var dirty = _docs.Where(d => d.Value.Dirty).Select(d => (Id: d.Key, Doc: d.Value, Bytes: DocCodec.EncodeDoc(d.Value.Values))).ToList();
        var snapshot = new Dictionary<string, (long, long)>(_watermarks, StringComparer.Ordinal);

        // In place, in one transaction, if it fits.
        var inPlace = new List<TableTransactionAction>();
        var parts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (id, doc, bytes) in dirty)
        {
            // Rows this write leaves unread (a shorter document's last parts, another generation)
            // are deleted after it, never inside it: a delete of a row already gone fails the
            // whole transaction, and after a commit whose answer was lost it would never pass.
            parts[id] = AddRows(inPlace, id, bytes, 0);
        }

        inPlace.Add(MetaAction(snapshot, parts, dirty.Select(d => d.Id).ToHashSet(StringComparer.Ordinal), 0));
        var batches = TableStore.Batches(inPlace).ToList();
        long generation = 0;
        if (batches.Count > 1)
        {
            generation = ++_maxGeneration;
            var rows = new List<TableTransactionAction>();
            foreach (var (id, _, bytes) in dirty)
            {
                AddRows(rows, id, bytes, generation);
            }

            rows.Add(MetaAction(snapshot, parts, dirty.Select(d => d.Id).ToHashSet(StringComparer.Ordinal), generation));
            batches = TableStore.Batches(rows).ToList();
        }

        var submitted = 0;
        try
        {
            foreach (var batch in batches)
            {
                if (submitted++ == failAfterBatches)
                {
                    throw new IOException("Write stopped (test).");
                }

                // No ConfigureAwait(false): the continuation must run on the grain's scheduler, because
                // reads interleave with this write (ICounterGrain.ReadAsync is AlwaysInterleave).
                await TableStore.SubmitAsync(table, batch, "counter-write");
            }
        }
        catch when (generation != 0)
        {
            // The new generation's rows that made it are not read (unless the meta row made it
            // too, unknown to us); the next successful write rewrites every one of these still
            // dirty documents elsewhere, and only after it are they deleted (DeleteRowsAsync).
            _strays.AddRange(batches.SelectMany(b => b).Where(a => a.ActionType != TableTransactionActionType.Delete && a.Entity.RowKey != MetaRow).Select(a => a.Entity.RowKey));
            throw;
        }

        var superseded = new List<TableTransactionAction>();
        foreach (var (id, doc, _) in dirty)
        {
            superseded.AddRange(Deletes(id, doc.Generation, doc.Generation == generation ? parts[id] : 0, doc.Parts));

            doc.Dirty = false;
            doc.Parts = parts[id];
            doc.Generation = generation;
        }

        foreach (var (j, w) in snapshot)
        {
            _durable[j] = w.Item1;
        }

        _metaDirty = false;
        await DeleteRowsAsync(table, superseded);
        return true;
    }

    private TableTransactionAction MetaAction(Dictionary<string, (long, long)> watermarks, Dictionary<string, int> parts, HashSet<string> written, long generation)
    {
        // Every document's generation after this write: the written ones move to `generation`.
        var generations = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, doc) in _docs)
        {
            var g = written.Contains(id) ? generation : doc.Generation;
            if (g != 0)
            {
                generations[id] = g;
            }
        }

        // Every document's part count too, so a load reads no part left from a longer version.
        var allParts = new Dictionary<string, int>(_docs.Count, StringComparer.Ordinal);
        foreach (var (id, doc) in _docs)
        {
            allParts[id] = parts.TryGetValue(id, out var count) ? count : doc.Parts;
        }

        var metaEntity = new TableEntity(_partition, MetaRow);
        BinaryChunks.Write(metaEntity, DocCodec.EncodeMeta(watermarks, _meta, allParts, generations));
        metaEntity[EpochProperty] = _epoch;
        if (KeyEncoding.IsHashed(_partition))
        {
            // The partition key cannot be decoded: an app's erase finds the grain by this.
            metaEntity[KeyProperty] = _key;
        }

        return new TableTransactionAction(TableTransactionActionType.UpsertReplace, metaEntity);
    }

    /// <summary>Adds the rows of one document in <paramref name="generation"/>; returns how many.</summary>
    private int AddRows(List<TableTransactionAction> actions, string id, byte[] bytes, long generation)
    {
        var count = Math.Max(1, (bytes.Length + BinaryChunks.MaxPayload - 1) / BinaryChunks.MaxPayload);
        for (var p = 0; p < count; p++)
        {
            var start = p * BinaryChunks.MaxPayload;
            var entity = new TableEntity(_partition, RowKey(id, p, generation));
            BinaryChunks.Write(entity, bytes.AsSpan(start, Math.Min(BinaryChunks.MaxPayload, bytes.Length - start)));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        }

        return count;
    }

    /// <summary>Deletes of parts <paramref name="from"/>..<paramref name="to"/> (exclusive) of a document's rows in <paramref name="generation"/>.</summary>
    private IEnumerable<TableTransactionAction> Deletes(string id, long generation, int from, int to)
    {
        for (var p = from; p < to; p++)
        {
            yield return new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(_partition, RowKey(id, p, generation)));
        }
    }

    /// <summary>
    /// Best effort: rows nobody reads (superseded or never committed), and any strays found before;
    /// never a row the meta row designates now (a stray's key may have been written again since).
    /// </summary>
    private async Task DeleteRowsAsync(TableClient table, List<TableTransactionAction> deletes)
    {
        var designated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, doc) in _docs)
        {
            for (var p = 0; p < doc.Parts; p++)
            {
                designated.Add(RowKey(id, p, doc.Generation));
            }
        }

        deletes = [.. deletes.Concat(_strays.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(_partition, k))))
            .Where(d => !designated.Contains(d.Entity.RowKey))
            .DistinctBy(d => d.Entity.RowKey)];
        _strays.Clear();
        foreach (var chunk in deletes.Chunk(TableStore.MaxBatch))
        {
            try
            {
                await TableStore.DeleteAsync(table, chunk, "counter-write");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Tried again after the next successful write.
                _ = e;
                _strays.AddRange(chunk.Select(a => a.Entity.RowKey));
            }
        }
    }

    /// <summary>
    /// Deletes the partition and forgets everything; from now on batches of an epoch before
    /// <paramref name="epoch"/> are dropped. Durable before it returns, in this order: a meta row
    /// with the new epoch, the watermarks of every range applied so far, no documents and a
    /// clearing mark, so that from then on a crash neither loads the erased documents nor
    /// applies those ranges again when the journal replays; then the deletes; then the meta row
    /// without the mark. If storage fails half-way, the next write goes on from there.
    /// </summary>
    public async Task ClearAsync(TableClient table, int epoch, long nowMs)
    {
        var rows = await TableStore.ReadPartitionAsync(table, _partition, "counter-clear");
        _cleared.AddRange(rows.Where(r => r.RowKey != MetaRow).Select(r => r.RowKey));
        _cleared.AddRange(_strays);
        _strays.Clear();
        _docs.Clear();
        _meta.Clear();
        _metaIndex.Clear();
        _metaBytes = 0;
        _shardCounts.Clear();
        _epoch = Math.Max(_epoch, epoch);

        // The watermarks stay: ranges already applied must stay applied-once after a clear.
        _clearWatermarks = new Dictionary<string, (long, long)>(_watermarks, StringComparer.Ordinal);
        _metaDirty = true;
        await WriteAsync(table, nowMs);
    }

    /// <summary>
    /// Finishes a pending clear: its marked meta row (unless written already), then its deletes
    /// (a missing row is no error). Throws if storage fails, leaving the rest for the next write.
    /// </summary>
    private async Task FinishClearAsync(TableClient table)
    {
        if (_clearWatermarks is { } watermarks)
        {
            if (_cleared.Count > 0)
            {
                var meta = new TableEntity(_partition, MetaRow);
                BinaryChunks.Write(meta, DocCodec.EncodeMeta(watermarks, new Dictionary<string, List<string>>(), new Dictionary<string, int>(), new Dictionary<string, long>()));
                meta[EpochProperty] = _epoch;
                meta[ClearingProperty] = true;
                if (KeyEncoding.IsHashed(_partition))
                {
                    meta[KeyProperty] = _key;
                }

                await TableStore.SubmitAsync(table, [new TableTransactionAction(TableTransactionActionType.UpsertReplace, meta)], "counter-clear");

                // Durable now (without rows to delete, the meta row of the write that follows is).
                foreach (var (j, w) in watermarks)
                {
                    _durable[j] = Math.Max(_durable.GetValueOrDefault(j), w.Item1);
                }
            }

            _clearWatermarks = null;
        }

        var deletes = _cleared.Distinct(StringComparer.Ordinal).Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(_partition, k))).ToList();
        foreach (var chunk in deletes.Chunk(TableStore.MaxBatch))
        {
            await TableStore.DeleteAsync(table, chunk, "counter-clear");
        }

        _cleared.Clear();
    }

    // '#', '/', '\' and '?' are not allowed in keys; '!' and '@' never appear in an encoded
    // document id. Generation 0 keeps the layout rows always had.
    private static string RowKey(string doc, int part, long generation)
    {
        var key = string.Concat(KeyEncoding.Encode(doc), "!", part.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return generation == 0 ? key : string.Concat(key, "@", generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static (string Doc, int Part, long Generation) ParseRowKey(string rowKey)
    {
        long generation = 0;
        var at = rowKey.LastIndexOf('@');
        if (at > 0)
        {
            generation = long.Parse(rowKey.AsSpan(at + 1), System.Globalization.CultureInfo.InvariantCulture);
            rowKey = rowKey[..at];
        }

        var hash = rowKey.LastIndexOf('!');
        return (KeyEncoding.Decode(rowKey[..hash]), int.Parse(rowKey.AsSpan(hash + 1), System.Globalization.CultureInfo.InvariantCulture), generation);
    }

    private bool Allowed(string set, string value, HashSet<(string Set, string Value)>? rejected)
    {
        if (_metaBytes + CounterLimits.MetaCost(value) > CounterLimits.MetaBytes)
        {
            return false;
        }

        switch (_limits)
        {
            case LimitKind.Metric:
                return _shardCounts.GetValueOrDefault((set, CounterLimits.Shard(value))) < CounterLimits.MetricValuesPerShard;
            case LimitKind.Event:
                if (set == "segments")
                {
                    return !_meta.TryGetValue("segments", out var keys) || keys.Count < CounterLimits.SegmentKeysPerEvent;
                }

                if (rejected is not null && rejected.Contains(("segments", set)))
                {
                    return false;
                }

                return _shardCounts.GetValueOrDefault((set, CounterLimits.Shard(value))) < CounterLimits.SegmentValuesPerShard;
            default:
                return true;
        }
    }

    private bool IsRejected(string docId, string path, HashSet<(string Set, string Value)> rejected)
    {
        if (_limits == LimitKind.Event)
        {
            var bar = docId.IndexOf('|');
            if (bar <= 0)
            {
                return false;
            }

            var segment = docId[..bar];
            if (segment == Domain.EventRules.NoSegment)
            {
                return false;
            }

            return rejected.Contains(("segments", segment)) || (CounterLimits.ValueOf(path) is { } v && rejected.Contains((segment, v)));
        }

        if (_limits == LimitKind.Metric && CounterLimits.ValueOf(path) is { } value)
        {
            foreach (var (_, v) in rejected)
            {
                if (v == value)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void AddMeta(string set, string value)
    {
        if (!_metaIndex.TryGetValue(set, out var index))
        {
            _metaIndex[set] = index = new HashSet<string>(StringComparer.Ordinal);
            _meta[set] = [];
        }

        if (index.Add(value))
        {
            _meta[set].Add(value);
            _metaBytes += CounterLimits.MetaCost(value);
            if (_limits != LimitKind.None)
            {
                var key = (set, CounterLimits.Shard(value));
                _shardCounts[key] = _shardCounts.GetValueOrDefault(key) + 1;
            }
        }
    }

    private sealed class Doc(Dictionary<string, decimal> values)
    {
        private IReadOnlyDictionary<string, decimal>? _snapshot;

        public Dictionary<string, decimal> Values { get; } = values;
        public bool Dirty { get; set; }
        public int Parts { get; set; }
        public long Generation { get; set; }

        /// <summary>
        /// Adds to a count that is only ever a number of devices: a path that comes back to zero
        /// goes (devices move between days and values all the time), and a new path past
        /// <paramref name="maxPaths"/> is not made (values a client invents are not kept without bound).
        /// </summary>
        public void Count(string path, decimal value, int maxPaths)
        {
            if (!Values.TryGetValue(path, out var current) && Values.Count >= maxPaths)
            {
                return;
            }

            var next = current + value;
            if (next == 0)
            {
                Values.Remove(path);
            }
            else
            {
                Values[path] = next;
            }

            Dirty = true;
            _snapshot = null;
        }

        public void Add(string path, decimal value)
        {
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(Values, path, out _);
            slot += value;
            Dirty = true;
            _snapshot = null;
        }

        public IReadOnlyDictionary<string, decimal> Snapshot() =>
            _snapshot ??= System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(Values, StringComparer.Ordinal);
    }
}
