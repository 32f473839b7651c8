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
        await using var journal = await StartJournalAsync(segmentRecords: 50);
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

    [Fact]
    public async Task A_ticket_names_its_entry_for_a_waiter_in_the_same_process_until_and_after_it_is_durable()
    {
        await using var journal = await StartJournalAsync(segmentRecords: 1_000);

        // Nothing to wait for, and a ticket the journal never gave: done, and never durable (503).
        Assert.True(journal.ReceiptOf(0).Durable.IsCompletedSuccessfully);
        Assert.False(await journal.ReceiptOf(1).Wait);

        // The first entry goes alone at once; the rest gather behind it in one open segment.
        var first = Append(journal, 1);
        Assert.Equal(1, first.Ticket);
        Assert.True(await first.Wait.WaitAsync(TimeSpan.FromSeconds(10)));
        var held = Enumerable.Range(2, 5).Select(i => Append(journal, i)).ToList();
        Assert.Equal([2L, 3, 4, 5, 6], held.Select(r => r.Ticket));
        await Task.Delay(300);

        // A later waiter gets the same segment's wait, not yet complete; the durable one is done.
        var late = journal.ReceiptOf(held[2].Ticket);
        Assert.Same(held[2].Durable, late.Durable);
        Assert.False(late.Wait.IsCompleted);
        Assert.True(journal.ReceiptOf(first.Ticket).Wait.IsCompletedSuccessfully);
        Assert.Equal(IngestResult.Success, await journal.ReceiptOf(first.Ticket).SettleAsync(IngestResult.Success));

        await journal.CloseAsync(CancellationToken.None);
        Assert.True(await late.Wait);
        Assert.All(held, r => Assert.Equal(JournalReceipt.Done, journal.ReceiptOf(r.Ticket)));
    }

    [Fact]
    public async Task The_unwritten_list_names_each_matching_devices_newest_record_not_yet_durable()
    {
        // The deliverer is held in the first segment's routing: whatever is appended after it
        // stays short of durable however the journal cuts and writes it (written segments wait
        // to be delivered in order), open, sealed or in flight.
        using var routing = new ManualResetEventSlim(false);
        var (journal, consumer) = await StartWithBlockingConsumerAsync(segmentRecords: 2, routing);
        await using var _ = journal;
        var first = Append(journal, 1, "a");
        Assert.True(await first.Wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(consumer.Entered.Wait(TimeSpan.FromSeconds(10)));

        // Two of device a, one of b, one of c (not matched); a segment is cut every two records.
        Append(journal, 2, "a");
        var newestOfA = Append(journal, 3, "a");
        var ofB = Append(journal, 7, "b");
        Append(journal, 4, "c");
        Append(journal, 5, "a"); // device a's newest, left out by the match below
        await Task.Delay(500);
        var (devices, durable) = journal.Unwritten(e => e.Request.DeviceId != "c" && e.Seq != 5);

        Assert.Equal(first.Ticket, durable);
        Assert.Equal(["a", "b"], devices.Keys.Order());
        Assert.Equal((newestOfA.Ticket, 3L), devices["a"]);
        Assert.Equal((ofB.Ticket, 7L), devices["b"]);

        routing.Set();
        await journal.CloseAsync(CancellationToken.None);
        var (after, durableAfter) = journal.Unwritten(_ => true);
        Assert.Empty(after);
        Assert.Equal(6, durableAfter);
    }

    [Fact]
    public async Task A_written_segment_answers_its_callers_before_its_consumers_have_routed_it()
    {
        using var routing = new ManualResetEventSlim(false);
        var (journal, consumer) = await StartWithBlockingConsumerAsync(segmentRecords: 1_000, routing);
        await using var _ = journal;

        // A lone record is written at once; its consumer is then held in the middle of routing it.
        var first = Append(journal, 1);
        Assert.True(await first.Wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(first.Durable.IsCompletedSuccessfully);
        Assert.True(consumer.Entered.Wait(TimeSpan.FromSeconds(10)));

        // Answered and durable, but not yet handed on: still pending, not delivered, not trimmable.
        Assert.Equal(1, journal.DurableTicket);
        Assert.Equal(JournalReceipt.Done, journal.ReceiptOf(first.Ticket));
        Assert.Equal(1, journal.PendingRecords);
        Assert.Equal(0, journal.LastDelivered);

        routing.Set();
        await journal.CloseAsync(CancellationToken.None);
        Assert.Equal(0, journal.PendingRecords);
        Assert.Equal(1, journal.LastDelivered);
        Assert.Equal([1L], consumer.Segments);
    }

    [Fact]
    public void Replay_keeps_the_segments_up_to_the_first_missing_one()
    {
        static List<(long Segment, List<JournalEntry> Entries)> Of(params long[] numbers) => [.. numbers.Select(n => (n, new List<JournalEntry>()))];

        Assert.Equal([5L, 6, 7], JournalReplay.ContiguousPrefix(Of(5, 6, 7), out var none).Select(s => s.Segment));
        Assert.Equal(0, none);
        Assert.Equal([3L, 4], JournalReplay.ContiguousPrefix(Of(3, 4, 6, 7), out var two).Select(s => s.Segment));
        Assert.Equal(2, two);
        Assert.Equal([9L], JournalReplay.ContiguousPrefix(Of(9, 11), out var one).Select(s => s.Segment));
        Assert.Equal(1, one);
        Assert.Empty(JournalReplay.ContiguousPrefix(Of(), out var empty));
        Assert.Equal(0, empty);
    }

    [Fact]
    public async Task A_frontend_in_another_process_waits_through_the_watch_with_one_call_for_a_whole_segment()
    {
        await using var journal = await StartJournalAsync(segmentRecords: 1_000);
        var watch = new CountingWatch(new JournalWatch(journal, null!));
        var waits = new RemoteJournalWaits(NullLogger<RemoteJournalWaits>.Instance);
        Assert.True(await Append(journal, 1).Wait.WaitAsync(TimeSpan.FromSeconds(10)));

        // Twenty requests journaled by device grains of that silo, waited for in any order. The
        // first may still be written alone; the others gather behind it in the open segment.
        var held = Enumerable.Range(2, 20).Select(i => Append(journal, i)).ToList();
        var waiting = held.Select(r => waits.WaitAsync(journal.JournalId, watch, r.Ticket, TimeSpan.FromSeconds(30))).Reverse().ToList();
        await Task.Delay(500);
        Assert.All(waiting.Take(19), w => Assert.False(w.IsCompleted, "answered before its segment was written"));
        Assert.InRange(watch.Calls, 1, 2);

        // One call waits for the whole open segment, however many requests wait on it.
        await journal.CloseAsync(CancellationToken.None);
        Assert.All(await Task.WhenAll(waiting), Assert.True);
        var calls = watch.Calls;
        Assert.InRange(calls, 1, 2);

        // A ticket at or below the newest durable one seen is answered without asking again.
        Assert.True(await waits.WaitAsync(journal.JournalId, watch, held[0].Ticket, TimeSpan.FromSeconds(30)));
        Assert.Equal(calls, watch.Calls);
    }

    [Fact]
    public async Task A_wait_through_a_watch_is_false_when_the_journal_is_unknown_unreachable_or_too_slow()
    {
        await using var journal = await StartJournalAsync(segmentRecords: 1_000);
        var watch = new JournalWatch(journal, null!);
        var waits = new RemoteJournalWaits(NullLogger<RemoteJournalWaits>.Instance);
        Assert.True(await Append(journal, 1).Wait.WaitAsync(TimeSpan.FromSeconds(10)));
        var held = Enumerable.Range(2, 10).Select(i => Append(journal, i)).ToList()[^1];

        // A journal the watch's silo does not have (it restarted since): never durable there.
        Assert.False(await waits.WaitAsync("journal-of-before-a-restart", watch, held.Ticket, TimeSpan.FromSeconds(30)));

        // A silo that cannot be reached; then a wait on it asks anew (and fails again).
        var unreachable = new FailingWatch();
        Assert.False(await waits.WaitAsync("unreachable", unreachable, 1, TimeSpan.FromSeconds(30)));
        Assert.False(await waits.WaitAsync("unreachable", unreachable, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(2, unreachable.Calls);

        // Storage too slow for the caller: false, and the record stays queued until written.
        Assert.False(await waits.WaitAsync(journal.JournalId, watch, held.Ticket, TimeSpan.FromMilliseconds(300)));
        await journal.CloseAsync(CancellationToken.None);
        Assert.True(await waits.WaitAsync(journal.JournalId, watch, held.Ticket, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_call_to_the_watch_that_goes_unanswered_is_asked_again_instead_of_holding_its_waiters()
    {
        await using var journal = await StartJournalAsync(segmentRecords: 1_000);
        var watch = new LosingWatch(new JournalWatch(journal, null!));
        var waits = new RemoteJournalWaits(NullLogger<RemoteJournalWaits>.Instance);
        var first = Append(journal, 1);
        Assert.True(await first.Wait.WaitAsync(TimeSpan.FromSeconds(10)));

        // The first call's message is lost (its gateway died): no answer, no error, ever.
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await waits.WaitAsync(journal.JournalId, watch, first.Ticket, TimeSpan.FromSeconds(30)));
        Assert.InRange(started.ElapsedMilliseconds, RemoteJournalWaits.AskDeadlineMs - 100, RemoteJournalWaits.AskDeadlineMs + 5_000);
        Assert.Equal(2, watch.Calls);
    }

    /// <summary>A watch that counts the calls made to it.</summary>
    private sealed class CountingWatch(IJournalWatch inner) : IJournalWatch
    {
        private int _calls;

        public int Calls => _calls;

        public Task<long> DurableTicketAsync(string journalId, long ticket, int maxWaitMs)
        {
            Interlocked.Increment(ref _calls);
            return inner.DurableTicketAsync(journalId, ticket, maxWaitMs);
        }
    }

    /// <summary>A watch whose first call is never answered (a message lost with its gateway); later calls are.</summary>
    private sealed class LosingWatch(IJournalWatch inner) : IJournalWatch
    {
        private int _calls;

        public int Calls => _calls;

        public Task<long> DurableTicketAsync(string journalId, long ticket, int maxWaitMs) =>
            Interlocked.Increment(ref _calls) == 1 ? new TaskCompletionSource<long>().Task : inner.DurableTicketAsync(journalId, ticket, maxWaitMs);
    }

    /// <summary>A watch whose silo is gone: every call fails as Orleans fails calls to a dead silo.</summary>
    private sealed class FailingWatch : IJournalWatch
    {
        private int _calls;

        public int Calls => _calls;

        public Task<long> DurableTicketAsync(string journalId, long ticket, int maxWaitMs)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromException<long>(new SiloUnavailableException("gone"));
        }
    }

    /// <summary>A consumer that holds the deliverer in <see cref="OnCommitted"/> until released.</summary>
    private sealed class BlockingConsumer(ManualResetEventSlim release) : ISegmentConsumer
    {
        public ManualResetEventSlim Entered { get; } = new(false);

        public List<long> Segments { get; } = [];

        public long OldestUndurableSegment => long.MaxValue;

        public void OnCommitted(long segment, IReadOnlyList<JournalEntry> entries)
        {
            Entered.Set();
            Assert.True(release.Wait(TimeSpan.FromSeconds(30)));
            Segments.Add(segment);
        }

        public Task DrainAsync(CancellationToken ct) => Task.CompletedTask;
    }

    /// <summary>As <see cref="StartJournalAsync"/>, with a consumer that holds the deliverer until <paramref name="routing"/> is set.</summary>
    private async Task<(IngestJournal Journal, BlockingConsumer Consumer)> StartWithBlockingConsumerAsync(int segmentRecords, ManualResetEventSlim routing)
    {
        var options = JournalOptions(segmentRecords);
        var journal = new IngestJournal(new TableStore(options), options, NullLogger<IngestJournal>.Instance);
        var consumer = new BlockingConsumer(routing);
        journal.Attach(consumer);
        await journal.StartAsync("test", CancellationToken.None);
        return (journal, consumer);
    }

    /// <summary>A started journal on Azurite whose flush interval is far longer than any test.</summary>
    private async Task<IngestJournal> StartJournalAsync(int segmentRecords)
    {
        var options = JournalOptions(segmentRecords);
        var journal = new IngestJournal(new TableStore(options), options, NullLogger<IngestJournal>.Instance);
        await journal.StartAsync("test", CancellationToken.None);
        return journal;
    }

    private IOptions<StorageOptions> JournalOptions(int segmentRecords) => Options.Create(new StorageOptions
    {
        ConnectionString = azurite.Azurite.ConnectionString,
        TablePrefix = AzuriteFixture.NewPrefix(),
        JournalFlushMs = 600_000,
        JournalSegmentRecords = segmentRecords,
        JournalConcurrency = 1,
    });

    private static JournalReceipt Append(IngestJournal journal, int seq, string deviceId = "d1")
    {
        var entry = new JournalEntry
        {
            Seq = seq,
            StateBefore = [],
            Request = new IngestRequest { AppId = "0123456789abcdef01234567", DeviceId = deviceId, TimeZone = "UTC", Timestamp = 1_700_000_000_000 + seq, ReceivedAt = 1_700_000_000_000 + seq },
        };
        Assert.True(journal.TryAppend(entry, out var receipt));
        return receipt;
    }
}
