namespace Analytics.Grains.Journal;

/// <summary>
/// Receives the entries of each committed journal segment, in segment order, and says up to
/// where the journal may be trimmed.
/// </summary>
public interface ISegmentConsumer
{
    /// <summary>Called once per committed segment, in order; must be fast and must not throw.</summary>
    void OnCommitted(long segment, IReadOnlyList<JournalEntry> entries);

    /// <summary>The oldest segment whose data this consumer has not yet seen written by its targets, or <see cref="long.MaxValue"/>.</summary>
    long OldestUndurableSegment { get; }

    /// <summary>Sends everything received so far and waits until its targets have written it.</summary>
    Task DrainAsync(CancellationToken ct);
}
