namespace Analytics.Grains;

/// <summary>Whole-app data operations (key: app id).</summary>
public interface IAppDataGrain : IGrainWithStringKey
{
    /// <summary>
    /// Deletes every counter, device state and event registry entry of the app (Countly's app
    /// reset/delete); increments of requests from before <paramref name="epoch"/> that are still
    /// on their way to the counters are dropped when they arrive.
    /// </summary>
    Task EraseAsync(int epoch);

    /// <summary>
    /// Deletes the counters of the events <paramref name="eventKeys"/> in every year that has
    /// any, stored or still only in memory (Countly's <c>/i/events/delete_events</c>), once every
    /// journal has brought them up to date. A journal's catch-up may take its 20 s, and a silo of
    /// an older version the aggregators' interval and a second clear: longer than Orleans' default
    /// 30 s, after which the caller would be told of a failure while the erase goes on.
    /// </summary>
    [ResponseTimeout("00:02:00")]
    Task EraseEventsAsync(string[] eventKeys, int epoch);
}
