using Analytics.Grains.Codec;
using Analytics.Grains.Domain;
using Analytics.Grains.Storage;
using Azure.Data.Tables;

namespace Analytics.Grains.Journal;

/// <summary>Reads journal segments back from storage and derives what the live path derived from them.</summary>
public static class JournalReplay
{
    /// <summary>Fills <see cref="JournalEntry.StateAfter"/> and <see cref="JournalEntry.Increments"/> by running the session rules again.</summary>
    public static void Derive(JournalEntry entry)
    {
        var state = DeviceStateCodec.Decode(entry.StateBefore);
        var increments = new CounterIncrements(CounterIncrements.CapacityFor(entry.Request));
        var outcome = SessionRules.Apply(state, entry.Request, TimeZones.Get(entry.Request.TimeZone), increments);
        state.Seq = entry.Seq;
        entry.Increments = outcome != SessionRules.Outcome.Duplicate ? increments : new CounterIncrements();
        entry.StateAfter = DeviceStateCodec.Encode(state);
    }

    /// <summary>
    /// The segments a crashed journal may replay: the first one read (the trimmed prefix is gone)
    /// and every one that follows it without a gap. A segment after a missing one was never
    /// acknowledged (answers go out in segment order) and nothing downstream has it (segments are
    /// delivered in order); replaying it without the missing one could apply a device's later
    /// request on a state that already holds the fingerprint of the lost earlier one, so the
    /// earlier one's re-send would be taken for a duplicate (docs/write-path.md).
    /// Returns the kept prefix; <paramref name="dropped"/> is how many segments were left out.
    /// </summary>
    public static List<(long Segment, List<JournalEntry> Entries)> ContiguousPrefix(List<(long Segment, List<JournalEntry> Entries)> segments, out int dropped)
    {
        var kept = 0;
        while (kept < segments.Count && (kept == 0 || segments[kept].Segment == segments[kept - 1].Segment + 1))
        {
            kept++;
        }

        dropped = segments.Count - kept;
        return dropped == 0 ? segments : segments.GetRange(0, kept);
    }

    /// <summary>Reads segments (<paramref name="after"/>, <paramref name="upTo"/>] of a journal, in order, with derived data.</summary>
    public static async Task<List<(long Segment, List<JournalEntry> Entries)>> ReadAsync(TableClient table, string journalId, long after, long upTo, CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {journalId} and RowKey gt {JournalRows.RowKey(after, 9)} and RowKey lt {JournalRows.RowKey(upTo == long.MaxValue ? upTo : upTo + 1, 0)}");
        var parts = new SortedDictionary<long, SortedDictionary<int, byte[]>>();
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 100, cancellationToken: ct).AsPages().ConfigureAwait(false))
        {
            TableStore.Count("journal-read");
            foreach (var row in page.Values)
            {
                var (segment, part) = JournalRows.Parse(row.RowKey);
                if (!parts.TryGetValue(segment, out var list))
                {
                    parts[segment] = list = [];
                }

                list[part] = BinaryChunks.Read(row);
            }
        }

        var result = new List<(long, List<JournalEntry>)>(parts.Count);
        foreach (var (segment, list) in parts)
        {
            var entries = SegmentCodec.Decode(list.Values.SelectMany(b => b).ToArray());
            foreach (var e in entries)
            {
                Derive(e);
            }

            result.Add((segment, entries));
        }

        return result;
    }
}
