using Analytics.Grains.Codec;

namespace Analytics.Grains.Devices;

/// <summary>
/// The device states of one bucket, in memory and packed into pages for storage: a page is one
/// table row holding the states of about <see cref="DefaultPageBytes"/> of devices, filled in
/// order of arrival. A new device lands in the newest page, so a checkpoint of new devices
/// rewrites one or two pages instead of one row per device, and the table holds a row per
/// hundred devices instead of a row per device (Azure's scalability targets and Azurite's cost
/// both count entities). A returning device dirties only its own page.
/// </summary>
/// <remarks>
/// A device stays in its page for life unless its state grows the page past four times the
/// target; then it moves to the newest page. Both pages are dirty then, and a checkpoint
/// writes both before its watermark row; if a crash separates them, the device's state is in
/// the journal past the bucket's durable watermark (a state enters the bucket before the
/// checkpoint that makes its segment durable), so the replay puts it back. Loading keeps the
/// copy with the highest sequence number wherever a device appears twice.
/// </remarks>
public sealed class DevicePages(int pageBytes = DevicePages.DefaultPageBytes)
{
    /// <summary>How many bytes of states a page is filled with before the next one starts.</summary>
    public const int DefaultPageBytes = 16 * 1024;

    private const byte Version = 1;
    private const int EntryOverhead = 12;

    private readonly Dictionary<string, Entry> _devices = new(StringComparer.Ordinal);
    private readonly List<Page> _pages = [];
    private readonly HashSet<int> _dirty = [];
    private readonly List<string> _legacyRows = [];

    /// <summary>Devices held.</summary>
    public int Count => _devices.Count;

    /// <summary>Pages held.</summary>
    public int PageCount => _pages.Count;

    /// <summary>Whether any page waits to be written.</summary>
    public bool HasDirty => _dirty.Count > 0;

    /// <summary>Row keys of per-device rows (the layout before pages) whose states now live in pages: delete them once the pages are written.</summary>
    public IReadOnlyList<string> LegacyRows => _legacyRows;

    /// <summary>The row key of page <paramref name="page"/>: after <c>~meta</c>, never an encoded device id (<c>~</c> is followed by hex digits there).</summary>
    public static string RowKey(int page) => "~p" + page.ToString("x6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses a row key made by <see cref="RowKey"/>.</summary>
    public static bool TryParseRowKey(string rowKey, out int page)
    {
        page = -1;
        return rowKey.Length == 8 && rowKey.StartsWith("~p", StringComparison.Ordinal)
            && int.TryParse(rowKey.AsSpan(2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out page);
    }

    /// <summary>The stored state of <paramref name="deviceId"/>, or null for a device never seen.</summary>
    public byte[]? StateOf(string deviceId) => _devices.TryGetValue(deviceId, out var e) ? e.State : null;

    /// <summary>The sequence number of <paramref name="deviceId"/>'s state, or -1.</summary>
    public long SeqOf(string deviceId) => _devices.TryGetValue(deviceId, out var e) ? e.Seq : -1;

    /// <summary>The page holding <paramref name="deviceId"/>, or -1.</summary>
    public int PageOf(string deviceId) => _devices.TryGetValue(deviceId, out var e) ? e.Page : -1;

    /// <summary>Stores a newer state; an older or equal sequence number changes nothing and returns false.</summary>
    public bool Put(string deviceId, long seq, byte[] state)
    {
        if (_devices.TryGetValue(deviceId, out var existing))
        {
            if (existing.Seq >= seq)
            {
                return false;
            }

            var page = _pages[existing.Page];
            page.Bytes += state.Length - existing.State.Length;
            existing.Seq = seq;
            existing.State = state;
            _dirty.Add(existing.Page);
            if (page.Bytes > 4 * pageBytes && page.Members.Count > 1)
            {
                Remove(deviceId, existing);
                Assign(deviceId, existing);
            }

            return true;
        }

        Assign(deviceId, new Entry(seq, state));
        return true;
    }

    /// <summary>Adds the devices of a stored page (<see cref="Encode"/>'s payload).</summary>
    public void LoadPage(int pageNumber, byte[] payload)
    {
        while (_pages.Count <= pageNumber)
        {
            _pages.Add(new Page());
        }

        using var r = Compression.Open(payload, Version, Version, "device page");
        var count = (int)r.ReadVar();
        for (var i = 0; i < count; i++)
        {
            var id = r.ReadString();
            var seq = r.ReadVar();
            var state = r.ReadBytes((int)r.ReadVar());
            if (_devices.TryGetValue(id, out var existing))
            {
                if (existing.Seq >= seq)
                {
                    // A stale copy left by a move that a crash interrupted: rewrite this page without it.
                    _dirty.Add(pageNumber);
                    continue;
                }

                Remove(id, existing);
            }

            var entry = new Entry(seq, state);
            Join(id, entry, pageNumber);
        }
    }

    /// <summary>Adds a device stored in a row of its own (the layout before pages): it moves to a page, and its row is listed in <see cref="LegacyRows"/>.</summary>
    public void LoadLegacy(string rowKey, string deviceId, long seq, byte[] state)
    {
        _legacyRows.Add(rowKey);
        Put(deviceId, seq, state);
    }

    /// <summary>Forgets the legacy rows once they are deleted.</summary>
    public void LegacyRowsDeleted() => _legacyRows.Clear();

    /// <summary>
    /// Encodes every dirty page and marks it clean; a page changed after this is dirty again.
    /// If writing fails, give the pages back with <see cref="MarkDirty"/>.
    /// </summary>
    public List<(int Page, byte[] Payload)> TakeDirty()
    {
        var result = new List<(int, byte[])>(_dirty.Count);
        foreach (var p in _dirty.Order())
        {
            result.Add((p, Encode(p)));
        }

        _dirty.Clear();
        return result;
    }

    /// <summary>The devices of the dirty pages (not yet written), with their states.</summary>
    public List<(string DeviceId, long Seq, byte[] State)> DirtyStates()
    {
        var result = new List<(string, long, byte[])>();
        foreach (var p in _dirty)
        {
            foreach (var id in _pages[p].Members)
            {
                var e = _devices[id];
                result.Add((id, e.Seq, e.State));
            }
        }

        return result;
    }

    /// <summary>Marks pages dirty again (their write failed).</summary>
    public void MarkDirty(IEnumerable<int> pages) => _dirty.UnionWith(pages);

    /// <summary>Forgets every device.</summary>
    public void Clear()
    {
        _devices.Clear();
        _pages.Clear();
        _dirty.Clear();
        _legacyRows.Clear();
    }

    /// <summary>The storage payload of page <paramref name="pageNumber"/>: its members' ids, sequence numbers and states, compressed.</summary>
    public byte[] Encode(int pageNumber)
    {
        var page = _pages[pageNumber];
        using var ms = new MemoryStream(page.Bytes + 16);
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.WriteVar(page.Members.Count);
            foreach (var id in page.Members)
            {
                var e = _devices[id];
                w.Write(id);
                w.WriteVar(e.Seq);
                w.WriteVar(e.State.Length);
                w.Write(e.State);
            }
        }

        return Compression.Compress(Version, ms);
    }

    private static int SizeOf(string id, Entry e) => id.Length + e.State.Length + EntryOverhead;

    private void Assign(string id, Entry entry)
    {
        var open = _pages.Count - 1;
        if (open < 0 || (_pages[open].Members.Count > 0 && _pages[open].Bytes + SizeOf(id, entry) > pageBytes))
        {
            _pages.Add(new Page());
            open = _pages.Count - 1;
        }

        Join(id, entry, open);
        _dirty.Add(open);
    }

    private void Join(string id, Entry entry, int pageNumber)
    {
        var page = _pages[pageNumber];
        entry.Page = pageNumber;
        page.Members.Add(id);
        page.Bytes += SizeOf(id, entry);
        _devices[id] = entry;
    }

    private void Remove(string id, Entry entry)
    {
        var page = _pages[entry.Page];
        page.Members.Remove(id);
        page.Bytes -= SizeOf(id, entry);
        _dirty.Add(entry.Page);
        _devices.Remove(id);
    }

    private sealed class Entry(long seq, byte[] state)
    {
        public long Seq { get; set; } = seq;

        public byte[] State { get; set; } = state;

        public int Page { get; set; } = -1;
    }

    private sealed class Page
    {
        public List<string> Members { get; } = [];

        public int Bytes { get; set; }
    }
}
