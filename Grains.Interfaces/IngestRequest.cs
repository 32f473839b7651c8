namespace Analytics.Grains;

/// <summary>
/// One accepted <c>/i</c> request (or one item of <c>/i/bulk</c>), already validated and
/// normalised by the Frontend. It carries every input of the session rules that is not a
/// pure function of the device state, so journal replay computes exactly what the live
/// path computed.
/// </summary>
[GenerateSerializer, Immutable, Alias("Analytics.IngestRequest")]
public sealed record class IngestRequest
{
    /// <summary>The app's 24-hex id.</summary>
    [Id(0)] public required string AppId { get; init; }

    /// <summary>The SDK's device id (validated and bounded).</summary>
    [Id(1)] public required string DeviceId { get; init; }

    /// <summary>Effective request time in Unix milliseconds (explicit timestamp, clamped to now, or server time).</summary>
    [Id(2)] public long Timestamp { get; init; }

    /// <summary>Server time when the request was accepted, Unix milliseconds.</summary>
    [Id(3)] public long ReceivedAt { get; init; }

    /// <summary>The app's IANA time zone at the time the request was accepted.</summary>
    [Id(4)] public required string TimeZone { get; init; }

    /// <summary>Whether <c>begin_session</c> was truthy.</summary>
    [Id(5)] public bool BeginSession { get; init; }

    /// <summary>Whether <c>end_session</c> was truthy.</summary>
    [Id(6)] public bool EndSession { get; init; }

    /// <summary>Whether <c>ignore_cooldown</c> was truthy.</summary>
    [Id(7)] public bool IgnoreCooldown { get; init; }

    /// <summary>Seconds of <c>session_duration</c> after Countly's parsing and capping; 0 when absent or ignored.</summary>
    [Id(8)] public int SessionDuration { get; init; }

    /// <summary>Whether the request carried a usable <c>session_duration</c>.</summary>
    [Id(9)] public bool HasSessionDuration { get; init; }

    /// <summary>Normalised metrics, or null when the request had none (or they were malformed).</summary>
    [Id(10)] public Metrics? Metrics { get; init; }

    /// <summary>Normalised events (possibly empty).</summary>
    [Id(11)] public IReadOnlyList<IngestEvent> Events { get; init; } = [];

    /// <summary>Resolved ISO country code, or <c>Unknown</c>.</summary>
    [Id(12)] public string Country { get; init; } = "Unknown";

    /// <summary>Resolved city, or <c>Unknown</c>.</summary>
    [Id(13)] public string City { get; init; } = "Unknown";

    /// <summary>Fingerprint of the request for duplicate suppression; 0 when the request has no explicit timestamp.</summary>
    [Id(14)] public ulong Fingerprint { get; init; }

    /// <summary>Whether this request carried location information to store (on begin_session).</summary>
    [Id(15)] public bool HasLocation { get; init; }

    /// <summary>The app's reset epoch: a device whose state is from an older epoch starts over.</summary>
    [Id(16)] public int Epoch { get; init; }

    /// <summary>
    /// Whether <c>session_duration</c> was truthy as sent although unusable (<c>"0"</c> or not a
    /// number), so <see cref="HasSessionDuration"/> is false. Countly tests the raw parameter when
    /// it decides whether a request counts as a plain request (<c>e</c>), so such a request adds
    /// no <c>e</c>: the Node SDK's <c>end_session=1&amp;session_duration=0</c> adds nothing.
    /// </summary>
    [Id(17)] public bool HasUnusableSessionDuration { get; init; }

    /// <summary>
    /// <c>old_device_id</c> when it names another device of the app: that device is merged into
    /// this one (Countly's device-id change with merge; docs/write-path.md, "Device-id merges").
    /// </summary>
    [Id(18)] public string? MergeFrom { get; init; }

    /// <summary>
    /// The encoded state of <see cref="MergeFrom"/> as this device's grain took it, or null when
    /// that device had nothing: filled in by the grain before the rules run, and journaled, so a
    /// replay merges exactly the same.
    /// </summary>
    [Id(19)] public byte[]? MergedState { get; init; }

    /// <summary>Set on the record a merged-away device writes when it gives up its state to this device id.</summary>
    [Id(20)] public string? MergedInto { get; init; }
}
