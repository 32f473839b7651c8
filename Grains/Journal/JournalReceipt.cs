namespace Analytics.Grains.Journal;

/// <summary>What a caller of <see cref="IngestJournal.TryAppend"/> waits on.</summary>
/// <param name="Wait">Completes with true when the entry is durable, or with false when the caller should stop waiting (storage slow or down); the entry stays queued either way.</param>
/// <param name="Durable">Completes when the entry is durable, however long that takes.</param>
public readonly record struct JournalReceipt(Task<bool> Wait, Task Durable)
{
    /// <summary>A receipt for something already durable.</summary>
    public static JournalReceipt Done { get; } = new(Task.FromResult(true), Task.CompletedTask);
}
