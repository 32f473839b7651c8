namespace Analytics.Grains;

/// <summary>
/// The event keys and segment keys of one app (key: app id): decides which new keys are
/// accepted under Countly's limits (500 keys, 100 segment keys per event) and holds the
/// event-management settings.
/// </summary>
public interface IEventRegistryGrain : IGrainWithStringKey
{
    /// <summary>Countly's <c>event_limit</c>.</summary>
    const int EventLimit = 500;

    /// <summary>Countly's <c>event_segmentation_limit</c>.</summary>
    const int SegmentationLimit = 100;

    /// <summary>Countly's <c>event_segmentation_value_limit</c>.</summary>
    const int SegmentationValueLimit = 1000;

    /// <summary>Registers events (key → segment keys seen); returns the registry, whose list says which keys are accepted.</summary>
    Task<EventRegistryView> RegisterAsync(Dictionary<string, string[]> events);

    /// <summary>The registry.</summary>
    Task<EventRegistryView> GetAsync();

    /// <summary>Sets display settings and optionally the order (<c>/i/events/edit_map</c>).</summary>
    Task<EventRegistryView> EditMapAsync(Dictionary<string, EventSettings> map, string[]? order);

    /// <summary>
    /// Sets display settings when <paramref name="map"/> is given and the order when
    /// <paramref name="order"/> is (<c>/i/events/edit_map</c>); a null map leaves Countly's
    /// events document without a <c>map</c> field if it had none.
    /// </summary>
    Task<EventRegistryView> EditEventMapAsync(Dictionary<string, EventSettings>? map, string[]? order);

    /// <summary>Shows or hides events (<c>/i/events/change_visibility</c>).</summary>
    Task<EventRegistryView> ChangeVisibilityAsync(string[] keys, bool visible);

    /// <summary>Removes events from the registry (<c>/i/events/delete_events</c>); their counters are erased by the caller.</summary>
    Task<EventRegistryView> DeleteAsync(string[] keys);

    /// <summary>Forgets everything (app reset or delete).</summary>
    Task ClearAsync();
}
