namespace Analytics.Grains;

/// <summary>
/// One device of one app (key <c>{appId}:{deviceId}</c>): serialises the device's requests,
/// holds its live session state and turns each request into counter increments.
/// </summary>
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>Applies one request and completes when it is durable (or says why not).</summary>
    Task<IngestResult> IngestAsync(IngestRequest request);

    /// <summary>
    /// Applies one request and, when this grain's journal is <paramref name="callerJournal"/> (the
    /// caller runs in the same silo process), answers as soon as the request is journaled, with
    /// the ticket the caller then waits for itself (docs/write-path.md, "The durability wait");
    /// otherwise completes like <see cref="IngestAsync"/>, with ticket 0. Frontends now call
    /// <see cref="JournalAsync"/>; this stays for frontends of the previous version during a rolling upgrade.
    /// </summary>
    Task<IngestAck> AppendAsync(IngestRequest request, string callerJournal);

    /// <summary>
    /// Applies one request and answers as soon as it is journaled: with the ticket to wait for,
    /// the journal that gave it and that journal's <see cref="IJournalWatch"/>, so that any caller
    /// waits for the durability itself (the co-hosted frontend in its own journal, others through
    /// the watch) and the grain's turn ends at the append. Ticket 0: the result is final.
    /// </summary>
    Task<IngestAck> JournalAsync(IngestRequest request);

    /// <summary>Applies the requests of one bulk batch in order; one result per request.</summary>
    /// <remarks>
    /// <paramref name="requests"/> is <c>[Immutable]</c> (neither side changes the array after the
    /// call): otherwise the generated reference would build an array copier through reflection
    /// each time a reference to a device grain is made, i.e. for every <c>/i</c> request.
    /// </remarks>
    Task<IngestResult[]> IngestManyAsync([Immutable] IngestRequest[] requests);

    /// <summary>
    /// This device's state for another device of the app that merges it (<c>old_device_id</c>),
    /// once everything this device accepted is durable. Changes nothing: the device empties
    /// itself only in <see cref="MergedIntoAsync"/>, once the merge is durable.
    /// </summary>
    Task<MergeSource> StateForMergeAsync();

    /// <summary>
    /// Empties this device, whose state <paramref name="deviceId"/> has durably taken, with a
    /// journal record of its own; completes once that record is durable. Nothing happens when the
    /// device is already empty, so a re-sent merge can ask again.
    /// </summary>
    Task<IngestResult> MergedIntoAsync(string deviceId, string timeZone, int epoch);
}
