namespace Analytics.Grains;

/// <summary>
/// The persisted states of the devices of one app that hash to one bucket (key
/// <c>{appId}:{bucket}</c>): all in memory after one partition query, written in 100-row
/// batches. Device grains load from it on activation and hand their state back on deactivation.
/// </summary>
public interface IDeviceBucketGrain : IGrainWithStringKey
{
    /// <summary>
    /// The encoded state of <paramref name="deviceId"/> (null for a device never seen) for a
    /// device grain activating on the silo of journal <paramref name="journalId"/>. If the device
    /// was last held by another silo that died, its journal is replayed first.
    /// </summary>
    Task<byte[]?> LoadAsync(string deviceId, string journalId);

    /// <summary>Stores states taken from the journal (newest sequence number wins).</summary>
    Task<CounterAck> PutAsync(DeviceStateBatch batch);

    /// <summary>
    /// Takes back one device's state from its deactivating grain and releases the device from
    /// journal <paramref name="journalId"/>. Not written at once: the state is durable in that
    /// journal already, and the bucket writes it with its next checkpoint.
    /// </summary>
    Task ReleaseAsync(string deviceId, long seq, byte[] state, string journalId);

    /// <summary>
    /// Told by a deactivating device grain whose newest record in journal
    /// <paramref name="journalId"/> (<paramref name="ticket"/>) was still not durable when it had to go (storage down past
    /// Orleans' deactivation timeout): its state is not handed back, and the device stays held by
    /// that journal, so its next load waits until the journal has written and sent that state, or
    /// until the journal is replayed if its silo died (docs/durability.md, "Known limits").
    /// </summary>
    Task UnsettledAsync(string deviceId, string journalId, long ticket);

    /// <summary>Writes dirty states now and returns the durable watermark of <paramref name="journalId"/>.</summary>
    Task<long> FlushAsync(string journalId);

    /// <summary>Returns the in-memory watermark of <paramref name="journalId"/>.</summary>
    Task<long> GetWatermarkAsync(string journalId);

    /// <summary>Number of devices known to the bucket.</summary>
    Task<int> CountAsync();

    /// <summary>Deletes every device state (app reset or delete).</summary>
    Task ClearAsync();
}
