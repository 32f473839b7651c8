using Analytics.Grains.Pipeline;
using Analytics.Grains.Storage;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Analytics.Grains.Journal;

/// <summary>
/// This silo's <see cref="IJournalPeerGrain"/>: activated on the silo its key names. Placed
/// elsewhere (that silo is gone, or runs a version without this grain), it answers that the
/// journal is not its own, as a dead silo's journal is left to the replay, and deactivates, so a
/// later call is placed again.
/// </summary>
[SiloOfKeyPlacement]
public sealed class JournalPeerGrain(IngestJournal journal, StateForwarder forwarder, DeltaAggregator aggregator, IClusterManifestProvider manifests, IOptions<StorageOptions> storage)
    : Grain, IJournalPeerGrain, IJournalCatchUpGrain, IJournalCounterCatchUpGrain
{
    /// <summary>Longest a catch-up may take before the waiting bucket fails its loads (and is asked again by the next).</summary>
    public static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How often a device's settling looks whether the journal has written its record (rare; a cut is 30 ms).</summary>
    private const int DeliveryPollMs = 10;

    Task<CatchUpAnswer> IJournalPeerGrain.CatchUpBucketAsync(string journalId, string bucketKey) =>
        SettleDeviceAsync(journalId, bucketKey, 0);

    Task<CatchUpAnswer> IJournalPeerGrain.SettleDeviceAsync(string journalId, string bucketKey, long ticket) =>
        SettleDeviceAsync(journalId, bucketKey, ticket);

    async Task<BucketCatchUp> IJournalCatchUpGrain.CatchUpBucketAsync(string journalId, string bucketKey)
    {
        if (!string.Equals(journalId, journal.JournalId, StringComparison.Ordinal))
        {
            return new BucketCatchUp { Answer = NotOwn() };
        }

        // First the list of what is not yet written, then the catch-up of everything written up
        // to that moment (routed once the segment in delivery, if any, is through: no storage
        // wait), so that no record falls between them.
        var (unwritten, durable) = journal.Unwritten(forwarder.RoutesTo(bucketKey));
        var answer = await SettleDeviceAsync(journalId, bucketKey, durable);
        return new BucketCatchUp
        {
            Answer = answer,
            Devices = [.. unwritten.Keys],
            Tickets = [.. unwritten.Values.Select(v => v.Ticket)],
            Seqs = [.. unwritten.Values.Select(v => v.Seq)],
        };
    }

    async Task<CatchUpAnswer> IJournalCounterCatchUpGrain.CatchUpCountersAsync(string journalId, string[] counterKeys)
    {
        if (!string.Equals(journalId, journal.JournalId, StringComparison.Ordinal))
        {
            return NotOwn();
        }

        // Everything acknowledged so far: with durable acks that is what is durable (routed at
        // once, no storage wait); without, whatever was appended.
        var deadline = await DeliveredAsync(storage.Value.DurableAcks ? journal.DurableTicket : journal.LastTicket);
        foreach (var key in counterKeys)
        {
            await aggregator.CatchUpAsync(key, deadline - DateTime.UtcNow);
        }

        return CatchUpAnswer.Done;
    }

    private async Task<CatchUpAnswer> SettleDeviceAsync(string journalId, string bucketKey, long ticket)
    {
        if (string.Equals(journalId, journal.JournalId, StringComparison.Ordinal))
        {
            // First the device's record (docs/durability.md, "Known limits"), so that its state
            // reaches the bucket before the device is served again; only that record and those
            // before it: the rest of the journal's backlog is not this device's business.
            var deadline = await DeliveredAsync(ticket);
            await forwarder.CatchUpAsync(bucketKey, deadline - DateTime.UtcNow);
            return CatchUpAnswer.Done;
        }

        return NotOwn();
    }

    /// <summary>Waits until record <paramref name="ticket"/> is written and routed; returns the catch-up's deadline.</summary>
    private async Task<DateTime> DeliveredAsync(long ticket)
    {
        var deadline = DateTime.UtcNow + CatchUpTimeout;
        while (!journal.IsDelivered(ticket))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Journal {journal.JournalId} did not write its record {ticket} within {CatchUpTimeout}.");
            }

            await Task.Delay(DeliveryPollMs);
        }

        return deadline;
    }

    /// <summary>The answer for a journal not this silo's.</summary>
    private CatchUpAnswer NotOwn()
    {
        // The registry pairs each journal with its silo's address, so a journal not this silo's
        // means this activation was placed elsewhere.
        DeactivateOnIdle();
        return SiloAddress.TryParse(this.GetPrimaryKeyString(), out var named)
            && manifests.Current.Silos.TryGetValue(named, out var manifest)
            && !manifest.Grains.ContainsKey(this.GetGrainId().Type)
            ? CatchUpAnswer.SiloCannotHost
            : CatchUpAnswer.NotThisSilo;
    }
}

/// <summary>Places a grain on the silo whose address (<see cref="SiloAddress.ToParsableString"/>) is its string key.</summary>
[Serializable]
[GenerateSerializer]
public sealed class SiloOfKeyPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static SiloOfKeyPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class placed by <see cref="SiloOfKeyPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloOfKeyPlacementAttribute() : PlacementAttribute(SiloOfKeyPlacement.Instance);

/// <summary>
/// Chooses the silo a <see cref="SiloOfKeyPlacement"/> grain's key names if it can host the
/// grain, and otherwise the silo asking (the grain then finds itself on the wrong silo).
/// </summary>
public sealed class SiloOfKeyPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        var silo = SiloAddress.TryParse(key, out var parsed) ? parsed : null;
        return Task.FromResult(silo is not null && context.GetCompatibleSilos(target).Contains(silo) ? silo : context.LocalSilo);
    }
}
