namespace Analytics.Grains.Journal;

/// <summary>
/// One journaled request: what is written (<see cref="Seq"/>, <see cref="StateBefore"/>,
/// <see cref="Request"/>) and what the live path derived from it, handed on after commit.
/// </summary>
public sealed class JournalEntry
{
    /// <summary>The device's sequence number after this request.</summary>
    public required long Seq { get; init; }

    /// <summary>The device state before the request, encoded.</summary>
    public required byte[] StateBefore { get; init; }

    /// <summary>The normalised request.</summary>
    public required IngestRequest Request { get; init; }

    /// <summary>The device state after the request, encoded (not written; derived again on replay).</summary>
    public byte[]? StateAfter { get; set; }

    /// <summary>The counter increments of the request (not written; derived again on replay).</summary>
    public CounterIncrements? Increments { get; set; }

    /// <summary>Approximate encoded size, for the journal's byte budget.</summary>
    public int EstimatedBytes => 64 + StateBefore.Length + (Request.Events.Count * 96) + (Request.Metrics is null ? 0 : 160);
}
