using Orleans.Concurrency;

namespace Analytics.Grains;

/// <summary>
/// The durability of one silo's ingest journal, for callers in other processes: an observer
/// that silo hosts, handed out in <see cref="IngestAck.Watch"/>. A frontend whose device grain
/// ran on another silo waits here for the request's journal ticket, with one call per journal
/// segment for all of its waiting requests, instead of the device grain waiting inside its
/// turn (docs/write-path.md, "The durability wait").
/// </summary>
public interface IJournalWatch : IGrainObserver
{
    /// <summary>
    /// Completes once ticket <paramref name="ticket"/> of journal <paramref name="journalId"/> is
    /// durable, or after about <paramref name="maxWaitMs"/> ms, with the journal's newest durable
    /// ticket (tickets become durable in order); -1 when that journal is not this silo's.
    /// </summary>
    [AlwaysInterleave]
    Task<long> DurableTicketAsync(string journalId, long ticket, int maxWaitMs);
}
