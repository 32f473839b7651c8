using Analytics.Grains;
using Analytics.Grains.Journal;
using Analytics.Grains.Storage;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Analytics.Tests.Grains;

[Collection(nameof(AzuriteCollection))]
public sealed class JournalCutTests(AzuriteFixture azurite)
{
    private const int FlushMs = 30;
    private const int Full = 200;

    [Fact]
    public void A_lone_record_after_a_lone_record_is_cut_at_once()
    {
        Assert.True(SegmentCut.WaitMs(1, 0, 2, FlushMs, Full) <= 0);
        Assert.True(SegmentCut.WaitMs(1, 1, 2, FlushMs, Full) <= 0);
    }

    [Fact]
    public void Under_load_the_open_segment_gathers_until_the_flush_interval_has_passed()
    {
        Assert.Equal(28, SegmentCut.WaitMs(1, 40, 2, FlushMs, Full));
        Assert.Equal(20, SegmentCut.WaitMs(5, 1, 10, FlushMs, Full));
        Assert.True(SegmentCut.WaitMs(5, 40, 30, FlushMs, Full) <= 0);
        Assert.True(SegmentCut.WaitMs(5, 40, 75, FlushMs, Full) <= 0);
    }

    [Fact]
    public void A_full_segment_is_cut_without_waiting()
    {
        Assert.True(SegmentCut.WaitMs(Full, 40, 0, FlushMs, Full) <= 0);
        Assert.True(SegmentCut.WaitMs(Full + 7, 40, 0, FlushMs, Full) <= 0);
        Assert.Equal(FlushMs, SegmentCut.WaitMs(Full - 1, 40, 0, FlushMs, Full));
    }

    [Fact]
    public async Task The_journal_writes_lone_requests_at_once_holds_a_busy_segment_and_cuts_a_full_one()
    {
        // A flush interval far longer than the test: whatever becomes durable before the close
        // was cut by the lone-record or the full-segment rule.
        var options = Options.Create(new StorageOptions
        {
            ConnectionString = azurite.Azurite.ConnectionString,
            TablePrefix = AzuriteFixture.NewPrefix(),
            JournalFlushMs = 600_000,
            JournalSegmentRecords = 50,
            JournalConcurrency = 1,
        });
        await using var journal = new IngestJournal(new TableStore(options), options, NullLogger<IngestJournal>.Instance);
        await journal.StartAsync("test", CancellationToken.None);
        var seq = 0;

        // One client, one request at a time: each is written on its own, at once.
        for (var i = 0; i < 3; i++)
        {
            var lone = Append(journal, ++seq);
            Assert.True(await lone.Wait.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        // Ten at once: the first may still go alone; the others gather behind it and wait.
        var busy = Enumerable.Range(0, 10).Select(_ => Append(journal, ++seq)).ToList();
        await Task.Delay(1000);
        Assert.False(busy[^1].Durable.IsCompleted);
        Assert.Equal(9, busy.Skip(1).Count(r => !r.Durable.IsCompleted));

        // Fifty more fill the open segment: it is cut without waiting out the interval.
        var more = Enumerable.Range(0, 50).Select(_ => Append(journal, ++seq)).ToList();
        await Task.WhenAll(busy.Concat(more.Take(40)).Select(r => r.Durable)).WaitAsync(TimeSpan.FromSeconds(10));

        // Closing writes whatever is left.
        await journal.CloseAsync(CancellationToken.None);
        Assert.All(more, r => Assert.True(r.Durable.IsCompletedSuccessfully));
        Assert.Equal(0, journal.PendingRecords);
        Assert.Equal(0, journal.UntrimmedSegments);
    }

    private static JournalReceipt Append(IngestJournal journal, int seq)
    {
        var entry = new JournalEntry
        {
            Seq = seq,
            StateBefore = [],
            Request = new IngestRequest { AppId = "0123456789abcdef01234567", DeviceId = "d1", TimeZone = "UTC", Timestamp = 1_700_000_000_000 + seq, ReceivedAt = 1_700_000_000_000 + seq },
        };
        Assert.True(journal.TryAppend(entry, out var receipt));
        return receipt;
    }
}
