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

    /// <summary>Writes the increments of every event of <paramref name="request"/>.</summary>
    public static void Apply(IngestRequest request, TimeZoneInfo zone, ICounterSink sink)
    {
        foreach (var e in request.Events)
        {
            var time = LocalTime.Of(e.Timestamp, zone);
            var collection = Collections.Event(e.Key);
            var monthDoc = Num.S(time.Month);
            var day = Num.S(time.Day);
            var hour = Num.S(time.Hour);
            var plainDoc = string.Concat(NoSegment, "|", monthDoc);
            var dayPrefix = day + ".";
            var hourPrefix = string.Concat(day, ".", hour, ".");
            Write(sink, collection, time.Year, plainDoc, dayPrefix, e);
            Write(sink, collection, time.Year, plainDoc, hourPrefix, e);

            foreach (var (segKey, segValue) in e.Segments)
            {
                sink.Meta(collection, time.Year, "segments", segKey);
                sink.Meta(collection, time.Year, segKey, segValue);
                Write(sink, collection, time.Year, string.Concat(segKey, "|", monthDoc), string.Concat(day, ".", segValue, "."), e);
            }
        }
    }

    private static void Write(ICounterSink sink, string collection, int year, string doc, string prefix, IngestEvent e)
    {
        sink.Add(collection, year, doc, prefix + "c", e.Count);
        if (e.Sum is { } sum)
        {
            sink.Add(collection, year, doc, prefix + "s", sum);
        }

        if (e.Dur is { } dur)
        {
            sink.Add(collection, year, doc, prefix + "dur", dur);
        }
    }
}
