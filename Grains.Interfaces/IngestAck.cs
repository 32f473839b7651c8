namespace Analytics.Grains;

/// <summary>
/// A device grain's answer to <see cref="IDeviceGrain.AppendAsync"/> and
/// <see cref="IDeviceGrain.JournalAsync"/>: the request's outcome and, when the caller must
/// still wait for the request to become durable, the journal ticket to wait for (0: nothing to
/// wait for, <see cref="Result"/> is final), with the journal that gave it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Analytics.IngestAck")]
public readonly record struct IngestAck
{
    /// <summary>What became of the request (final when <see cref="Ticket"/> is 0).</summary>
    [Id(0)] public IngestResult Result { get; init; }

    /// <summary>The journal ticket whose durability the answer still waits for; 0 for none.</summary>
    [Id(1)] public long Ticket { get; init; }

    /// <summary>The journal that gave <see cref="Ticket"/> (set by <see cref="IDeviceGrain.JournalAsync"/>).</summary>
    [Id(2)] public string? Journal { get; init; }

    /// <summary>Where a caller outside that journal's process waits for <see cref="Ticket"/> (set by <see cref="IDeviceGrain.JournalAsync"/>).</summary>
    [Id(3)] public IJournalWatch? Watch { get; init; }
}
