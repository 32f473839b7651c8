namespace Analytics.Grains.Domain;

/// <summary>
/// Writes the counters of custom events (spec §1.10): per event key, <c>c</c>/<c>s</c>/<c>dur</c>
/// at day and hour level of the no-segment documents, and per segment value at day level of
/// the segment's documents, each event in its own time bucket.
/// </summary>
public static class EventRules
{
    /// <summary>The document-id prefix of counts without segmentation.</summary>
    public const string NoSegment = "no-segment";

    // "no-segment|1" .. "no-segment|12", built once (index 0 unused).
    private static readonly string[] NoSegmentDocs = [.. Enumerable.Range(0, 13).Select(m => string.Concat(NoSegment, "|", Num.S(m)))];

    /// <summary>Writes the increments of every event of <paramref name="request"/>.</summary>
    public static void Apply(IngestRequest request, TimeZoneInfo zone, ICounterSink sink)
    {
        // Index loops: a foreach over the interfaces would box an enumerator per list per request.
        var events = request.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var time = LocalTime.Of(e.Timestamp, zone);
            var collection = Collections.Event(e.Key);
            var monthDoc = Num.S(time.Month);
            var day = Num.S(time.Day);
            var plainDoc = NoSegmentDocs[time.Month];
            Write(sink, collection, time.Year, plainDoc, TimePaths.Day(time.Day, "c"), TimePaths.Day(time.Day, "s"), TimePaths.Day(time.Day, "dur"), e);
            Write(sink, collection, time.Year, plainDoc, TimePaths.Hour(time.Day, time.Hour, "c"), TimePaths.Hour(time.Day, time.Hour, "s"), TimePaths.Hour(time.Day, time.Hour, "dur"), e);

            var segments = e.Segments;
            for (var j = 0; j < segments.Count; j++)
            {
                var (segKey, segValue) = segments[j];
                sink.Meta(collection, time.Year, "segments", segKey);
                sink.Meta(collection, time.Year, segKey, segValue);
                var prefix = string.Concat(day, ".", segValue, ".");
                Write(sink, collection, time.Year, string.Concat(segKey, "|", monthDoc), prefix + "c", e.Sum is null ? null : prefix + "s", e.Dur is null ? null : prefix + "dur", e);
            }
        }
    }

    /// <summary>Writes <c>c</c>, and <c>s</c> and <c>dur</c> when the event has them, at the given paths.</summary>
    private static void Write(ICounterSink sink, string collection, int year, string doc, string countPath, string? sumPath, string? durPath, IngestEvent e)
    {
        sink.Add(collection, year, doc, countPath, e.Count);
        if (e.Sum is { } sum)
        {
            sink.Add(collection, year, doc, sumPath!, sum);
        }

        if (e.Dur is { } dur)
        {
            sink.Add(collection, year, doc, durPath!, dur);
        }
    }
}
