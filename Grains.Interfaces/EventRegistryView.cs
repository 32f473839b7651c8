namespace Analytics.Grains;

/// <summary>An app's event registry as <c>get_events</c> shows it (spec §2.4).</summary>
[GenerateSerializer, Immutable, Alias("Analytics.EventRegistryView")]
public sealed record class EventRegistryView
{
    /// <summary>Event keys in first-seen order (internal <c>[CLY]_</c> keys included).</summary>
    [Id(0)] public IReadOnlyList<string> List { get; init; } = [];
    /// <summary>Segment keys per event key, in first-seen order.</summary>
    [Id(1)] public IReadOnlyDictionary<string, IReadOnlyList<string>> Segments { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>The event order set by event management, or empty.</summary>
    [Id(2)] public IReadOnlyList<string> Order { get; init; } = [];
    /// <summary>Per-event display settings set by event management.</summary>
    [Id(3)] public IReadOnlyDictionary<string, EventSettings> Map { get; init; } = new Dictionary<string, EventSettings>();
    /// <summary>Whether any event management call was made (Countly then returns order/map/overview).</summary>
    [Id(4)] public bool Managed { get; init; }
    /// <summary>
    /// Whether <see cref="HasMap"/> and <see cref="HasLayout"/> are kept: false for a registry
    /// managed before they were, which then shows every management field.
    /// </summary>
    [Id(5)] public bool FieldsKnown { get; init; }
    /// <summary>Whether Countly's events document has a <c>map</c> (set by change_visibility, or edit_map with an event_map).</summary>
    [Id(6)] public bool HasMap { get; init; }
    /// <summary>Whether it has <c>order</c>, <c>overview</c> and <c>omitted_segments</c> (set by every edit_map).</summary>
    [Id(7)] public bool HasLayout { get; init; }

    /// <summary>Whether Countly would have an events document for the app: an event was registered or management used since its creation or reset.</summary>
    public bool Exists => List.Count > 0 || Managed;
}

/// <summary>Display settings of one event (<c>/i/events/edit_map</c>, <c>/i/events/change_visibility</c>).</summary>
[GenerateSerializer, Immutable, Alias("Analytics.EventSettings")]
public sealed record class EventSettings
{
    /// <summary>Display name.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary>Description.</summary>
    [Id(1)] public string? Description { get; init; }
    /// <summary>Count label.</summary>
    [Id(2)] public string? Count { get; init; }
    /// <summary>Sum label.</summary>
    [Id(3)] public string? Sum { get; init; }
    /// <summary>Duration label.</summary>
    [Id(4)] public string? Dur { get; init; }
    /// <summary>Whether the event is shown.</summary>
    [Id(5)] public bool IsVisible { get; init; } = true;
}
