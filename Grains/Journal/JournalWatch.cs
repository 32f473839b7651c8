namespace Analytics.Grains.Journal;

/// <summary>
/// This silo's <see cref="IJournalWatch"/>: answers other processes' waits for tickets of this
/// silo's <see cref="IngestJournal"/>. Registered as an observer hosted by the silo, one per
/// process, when the silo starts (Orleans refuses to create one from inside a grain); the
/// runtime keeps only a weak reference to it, the DI container (a singleton) the strong one.
/// </summary>
public sealed class JournalWatch(IngestJournal journal, IGrainFactory grains) : IJournalWatch, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Longest a single call waits, whatever the caller asks (well under Orleans' response timeout).</summary>
    public const int MaxWaitMs = 10_000;

    private IJournalWatch? _reference;

    /// <summary>The reference other processes call; set once the silo's application services start, before any grain runs.</summary>
    public IJournalWatch Reference => _reference ?? throw new InvalidOperationException("The journal watch is registered when the silo starts.");

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(JournalWatch), ServiceLifecycleStage.ApplicationServices, _ =>
        {
            _reference = grains.CreateObjectReference<IJournalWatch>(this);
            return Task.CompletedTask;
        });

    /// <inheritdoc />
    public async Task<long> DurableTicketAsync(string journalId, long ticket, int maxWaitMs)
    {
        if (!string.Equals(journalId, journal.JournalId, StringComparison.Ordinal))
        {
            return -1;
        }

        var durable = journal.ReceiptOf(ticket).Durable;
        if (!durable.IsCompleted)
        {
            try
            {
                await durable.WaitAsync(TimeSpan.FromMilliseconds(Math.Clamp(maxWaitMs, 0, MaxWaitMs))).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        return journal.DurableTicket;
    }
}
