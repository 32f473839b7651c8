namespace Analytics.Grains.Journal;

/// <summary>
/// When the journal cuts its open segment (docs/storage.md, "Who writes what, when"). Every cut
/// is a Table transaction and the callers in the segment wait for it, so the rule trades
/// transactions against latency: gather for <c>flushMs</c> while others are arriving, cut at
/// once when the segment is full or when nothing suggests company is coming.
/// </summary>
public static class SegmentCut
{
    /// <summary>
    /// Milliseconds to wait before cutting the open segment of <paramref name="openRecords"/>
    /// records (at least one); zero or less means cut now. Asked only when a write slot is free.
    /// </summary>
    /// <param name="openRecords">Records in the open segment.</param>
    /// <param name="lastSegmentRecords">Records in the segment cut before (0 when none).</param>
    /// <param name="msSinceLastCut">Time since that cut.</param>
    /// <param name="flushMs">Shortest interval between cuts while requests keep arriving.</param>
    /// <param name="segmentRecords">Records at which a segment is cut without waiting.</param>
    public static long WaitMs(int openRecords, int lastSegmentRecords, long msSinceLastCut, int flushMs, int segmentRecords)
    {
        if (openRecords >= segmentRecords)
        {
            return 0;
        }

        // A lone record after a lone record: one client sending one request at a time. Waiting
        // would only delay it; under load the previous segment holds many.
        if (openRecords == 1 && lastSegmentRecords <= 1)
        {
            return 0;
        }

        return flushMs - msSinceLastCut;
    }
}
