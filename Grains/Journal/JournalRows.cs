using Analytics.Grains.Storage;
using Azure.Data.Tables;

namespace Analytics.Grains.Journal;

/// <summary>How a segment is laid out in the journal table: one row per ≤960 KiB part, keys in segment order.</summary>
public static class JournalRows
{
    /// <summary>Row key of part <paramref name="part"/> of segment <paramref name="segment"/>.</summary>
    public static string RowKey(long segment, int part) => $"{segment:x16}-{part}";

    /// <summary>Parses a row key made by <see cref="RowKey"/>.</summary>
    public static (long Segment, int Part) Parse(string rowKey) =>
        (Convert.ToInt64(rowKey[..16], 16), int.Parse(rowKey[17..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The insert actions writing <paramref name="payload"/> as segment <paramref name="segment"/> (one transaction).</summary>
    public static List<TableTransactionAction> Build(string journalId, long segment, byte[] payload)
    {
        var parts = Math.Max(1, (payload.Length + BinaryChunks.MaxPayload - 1) / BinaryChunks.MaxPayload);
        var actions = new List<TableTransactionAction>(parts);
        for (var p = 0; p < parts; p++)
        {
            var start = p * BinaryChunks.MaxPayload;
            var len = Math.Min(BinaryChunks.MaxPayload, payload.Length - start);
            var entity = new TableEntity(journalId, RowKey(segment, p)) { ["Parts"] = parts };
            BinaryChunks.Write(entity, payload.AsSpan(start, len));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        }

        return actions;
    }
}
