namespace Analytics.Grains.Journal;

/// <summary>
/// A <see cref="ISegmentConsumer"/> that routes each entry when it is appended, while what the
/// entry carries is still in the appending core's cache, into state the open segment keeps; the
/// segment's delivery then hands that state over instead of the entries (docs/performance.md,
/// item 31). The journal calls <see cref="NewSegment"/> and <see cref="RouteAppended"/> under its
/// append lock, so they run one at a time and must be quick and must not throw. Segments replayed
/// from storage are still delivered entry by entry (<see cref="ISegmentConsumer.OnCommitted"/>).
/// </summary>
public interface IAppendRouter : ISegmentConsumer
{
    /// <summary>Empty routing state for a new open segment.</summary>
    object NewSegment();

    /// <summary>Routes <paramref name="entry"/>, just appended to the open segment, into its state.</summary>
    void RouteAppended(object segment, JournalEntry entry);

    /// <summary>Called instead of <see cref="ISegmentConsumer.OnCommitted"/> for a segment routed at append, in segment order.</summary>
    void OnCommittedRouted(long segment, object routed);
}
