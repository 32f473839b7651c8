using Analytics.Grains;
using Analytics.Grains.Journal;
using Analytics.Grains.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Grains;

/// <summary>Trimming the journal on real Azurite, with storage failing under it (through <see cref="FaultProxy"/>).</summary>
[Collection(nameof(AzuriteCollection))]
public sealed class JournalTrimTests(AzuriteFixture azurite)
{
    // A trim whose delete failed used to forget its segments, so their rows stayed for good; after
    // a crash the replay started at those strays and its contiguous prefix ended there, dropping
    // the acknowledged segments after them as if they had never been written.
    [Fact]
    public async Task After_a_failed_trim_a_crash_still_replays_every_acknowledged_segment()
    {
        await using var proxy = new FaultProxy(azurite.Azurite.Port);
        var viaProxy = azurite.Azurite.ConnectionStringVia(proxy.Port);
        var options = Options.Create(new StorageOptions
        {
            ConnectionString = viaProxy,
            TablePrefix = AzuriteFixture.NewPrefix(),
            JournalFlushMs = 30,
            JournalConcurrency = 1,
            CheckpointMs = 1000,
        });
        var store = new TableStore(options);
        var consumer = new HeldConsumer();
        await using var journal = new IngestJournal(store, options, NullLogger<IngestJournal>.Instance);
        journal.Attach(consumer);
        await journal.StartAsync("test", CancellationToken.None);

        async Task OneSegmentAsync(int seq)
        {
            var request = new IngestRequest { AppId = "0123456789abcdef01234567", DeviceId = "d" + seq, TimeZone = "UTC", Timestamp = 1_700_000_000_000, ReceivedAt = 1_700_000_000_000 };
            Assert.True(journal.TryAppend(new JournalEntry { Seq = seq, StateBefore = Analytics.Grains.Codec.DeviceStateCodec.Encode(new Analytics.Grains.Domain.DeviceState()), Request = request }, out var receipt));
            Assert.True(await receipt.Wait.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        // A lone record is cut at once: segments 1..5.
        for (var i = 1; i <= 5; i++)
        {
            await OneSegmentAsync(i);
        }

        Assert.Equal(5, journal.LastDelivered);

        // The targets have written segments 1..3; trimming them meets a storage failure.
        proxy.Break();
        consumer.Oldest = 4;
        await Task.Delay(2500);
        proxy.Heal();

        // Storage is back, more requests are acknowledged, and the targets have written up to 5.
        for (var i = 6; i <= 8; i++)
        {
            await OneSegmentAsync(i);
        }

        consumer.Oldest = 6;
        Assert.True(await CountlyClient.EventuallyAsync(() => Task.FromResult(journal.UntrimmedSegments == 3), TimeSpan.FromSeconds(10)));

        // kill -9 now: what the recovery would replay.
        var table = await store.JournalAsync();
        var read = await JournalReplay.ReadAsync(table, journal.JournalId, 0, long.MaxValue);
        var kept = JournalReplay.ContiguousPrefix(read, out var dropped);
        Assert.Equal([6L, 7L, 8L], read.Select(x => x.Segment).Distinct());
        Assert.Equal([6L, 7L, 8L], kept.Select(x => x.Segment).Distinct());
        Assert.Equal(0, dropped);
    }

    private sealed class HeldConsumer : ISegmentConsumer
    {
        public volatile int Oldest = 1;

        public long OldestUndurableSegment => Oldest;

        public void OnCommitted(long segment, IReadOnlyList<JournalEntry> entries)
        {
        }

        public Task DrainAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
