namespace Analytics.Grains.Domain;

/// <summary>
/// Receives the counter increments that the session and event rules produce. A counter is
/// addressed like Countly addresses it: collection, year, document ("0" for the zero
/// document, "1".."12" for month documents, prefixed "segment|" for event segments), and a
/// dotted path inside the document.
/// </summary>
public interface ICounterSink
{
    /// <summary>Adds <paramref name="value"/> to one counter.</summary>
    void Add(string collection, int year, string doc, string path, decimal value);

    /// <summary>Adds <paramref name="value"/> to a meta set of the collection's year.</summary>
    void Meta(string collection, int year, string set, string value);
}
