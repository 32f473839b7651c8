namespace Analytics.Grains;

/// <summary>What a device gives another device that merges it (<see cref="IDeviceGrain.StateForMergeAsync"/>).</summary>
[GenerateSerializer, Immutable, Alias("Analytics.MergeSource")]
public sealed record class MergeSource
{
    /// <summary>False when the device's latest record did not become durable within the wait (storage slow or down): try again later.</summary>
    [Id(0)] public bool Ready { get; init; }

    /// <summary>The device's encoded state, or null when it has nothing to give.</summary>
    [Id(1)] public byte[]? State { get; init; }
}
