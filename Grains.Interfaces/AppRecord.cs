namespace Analytics.Grains;

/// <summary>An app as Countly describes it (spec §5), plus our reset epoch.</summary>
[GenerateSerializer, Immutable, Alias("Analytics.AppRecord")]
public sealed record class AppRecord
{
    /// <summary>24-hex id.</summary>
    [Id(0)] public required string Id { get; init; }
    /// <summary>Display name.</summary>
    [Id(1)] public required string Name { get; init; }
    /// <summary>The SDK app key (40 hex unless given at creation).</summary>
    [Id(2)] public required string Key { get; init; }
    /// <summary>Two-letter country code (Countly default TR).</summary>
    [Id(3)] public string Country { get; init; } = "TR";
    /// <summary>IANA time zone for all bucketing.</summary>
    [Id(4)] public string Timezone { get; init; } = "Europe/Istanbul";
    /// <summary>Countly category id.</summary>
    [Id(5)] public string Category { get; init; } = "6";
    /// <summary>App type (mobile, web, desktop).</summary>
    [Id(6)] public string Type { get; init; } = "mobile";
    /// <summary>Unix seconds of creation.</summary>
    [Id(7)] public long CreatedAt { get; init; }
    /// <summary>Unix seconds of the last edit.</summary>
    [Id(8)] public long EditedAt { get; init; }
    /// <summary>Id of the member who created it.</summary>
    [Id(9)] public string Owner { get; init; } = "";
    /// <summary>Checksum salt; empty disables checksums.</summary>
    [Id(10)] public string Salt { get; init; } = "";
    /// <summary>Incremented by every reset so devices start over.</summary>
    [Id(11)] public int Epoch { get; init; }
    /// <summary>Whether the app refuses data.</summary>
    [Id(12)] public bool Paused { get; init; }
    /// <summary>
    /// Incremented when events are deleted: every frontend's cache of the app's event registry
    /// (<c>EventGate</c>) belongs to one reset epoch and one value of this, so a deleted key sent
    /// again is registered again on every frontend, not just the one that deleted it.
    /// </summary>
    [Id(13)] public int EventsVersion { get; init; }

    /// <summary>What an app's cached event registry belongs to: its <see cref="Epoch"/> and <see cref="EventsVersion"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long RegistryVersion => ((long)Epoch << 32) | (uint)EventsVersion;
}
