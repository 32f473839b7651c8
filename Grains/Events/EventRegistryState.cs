namespace Analytics.Grains.Events;

/// <summary>Persisted state of <see cref="EventRegistryGrain"/>.</summary>
[GenerateSerializer]
public sealed class EventRegistryState
{
    /// <summary>Event keys in first-seen order.</summary>
    [Id(0)] public List<string> List { get; set; } = [];
    /// <summary>Segment keys per event.</summary>
    [Id(1)] public Dictionary<string, List<string>> Segments { get; set; } = [];
    /// <summary>Order set by event management.</summary>
    [Id(2)] public List<string> Order { get; set; } = [];
    /// <summary>Display settings.</summary>
    [Id(3)] public Dictionary<string, EventSettings> Map { get; set; } = [];
    /// <summary>Whether event management was used.</summary>
    [Id(4)] public bool Managed { get; set; }
    /// <summary>Whether <see cref="HasMap"/> and <see cref="HasLayout"/> are kept (false for state managed before they were).</summary>
    [Id(5)] public bool FieldsKnown { get; set; }
    /// <summary>Whether a map was set (change_visibility, or edit_map with an event_map).</summary>
    [Id(6)] public bool HasMap { get; set; }
    /// <summary>Whether edit_map set the order, overview and omitted segments.</summary>
    [Id(7)] public bool HasLayout { get; set; }
}
