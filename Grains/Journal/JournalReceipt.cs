namespace Analytics.Grains.Journal;

/// <summary>What a caller of <see cref="IngestJournal.TryAppend"/> waits on.</summary>
/// <param name="Wait">Completes with true when the entry is durable, or with false when the caller should stop waiting (storage slow or down); the entry stays queued either way.</param>
/// <param name="Durable">Completes when the entry is durable, however long that takes.</param>
/// <param name="Ticket">The entry's place in its journal (1, 2, ...), with which a caller in the journal's process can wait for it itself (<see cref="IngestJournal.ReceiptOf"/>); 0 for nothing to wait for.</param>
public readonly record struct JournalReceipt(Task<bool> Wait, Task Durable, long Ticket = 0)
{
    /// <summary>A receipt for something already durable.</summary>
    public static JournalReceipt Done { get; } = new(Task.FromResult(true), Task.CompletedTask);

    /// <summary>A receipt that never becomes durable here: its caller answers <see cref="IngestResult.Pending"/> (the client re-sends, and a duplicate is recognised).</summary>
    public static JournalReceipt Unknown { get; } = new(Task.FromResult(false), new TaskCompletionSource().Task);

    /// <summary>
    /// The answer for a request applied with outcome <paramref name="result"/> once this receipt
    /// is durable, or <see cref="IngestResult.Pending"/> when the wait gives up. A duplicate
    /// answers like its original, which may have become durable just as the wait gave up.
    /// </summary>
    public async Task<IngestResult> SettleAsync(IngestResult result) => Outcome(result, await Wait);

    /// <summary>
    /// <see cref="SettleAsync"/>'s answer once <see cref="Wait"/> has completed with
    /// <paramref name="durable"/>, for a caller that awaits <see cref="Wait"/> in its own state
    /// machine (the frontend's <c>/i</c>: one task and state machine less per request).
    /// </summary>
    public IngestResult Outcome(IngestResult result, bool durable) =>
        durable || (result == IngestResult.Duplicate && Durable.IsCompleted) ? result : IngestResult.Pending;
}
