using Analytics.Grains;
using Analytics.Grains.Journal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Tests.Grains;

/// <summary>
/// The shared machinery of the counter and device-state pipelines (<see cref="SegmentPipeline{TAcc}"/>)
/// against a target that keeps a watermark as counter and bucket grains do: ranges are sent
/// in order, and a target that lost ranges it had acknowledged (its silo died before writing
/// them) answers with a gap and gets them rebuilt from the journal, so it sees every entry once.
/// </summary>
public sealed class SegmentPipelineTests
{
    [Fact]
    public async Task A_target_that_lost_acknowledged_ranges_gets_them_rebuilt_and_sees_every_entry_once()
    {
        var pipeline = new RecordingPipeline();
        await pipeline.CommitAndDrainAsync(1, 1, 2);
        await pipeline.CommitAndDrainAsync(2, 3);
        Assert.Equal([1L, 2, 3], pipeline.Target.Applied);

        // Segment 2 was acknowledged but never written: a new activation of the target knows only segment 1.
        pipeline.Target.LoseAfter(1);
        await pipeline.CommitAndDrainAsync(3, 4, 5);

        Assert.Equal([1L, 2, 3, 4, 5], pipeline.Target.Applied);
        Assert.Equal([(1L, 2L)], pipeline.Rebuilt);
        Assert.Equal(long.MaxValue, pipeline.OldestUndurableSegment);
    }

    [Fact]
    public async Task An_idle_target_that_lost_acknowledged_ranges_gets_them_again_without_new_traffic()
    {
        var pipeline = new RecordingPipeline();
        await pipeline.CommitAndDrainAsync(1, 1);

        // Segment 2 is applied but cannot be written; then the target's silo dies.
        await pipeline.CommitUnwrittenAsync(2, 2);

        Assert.Equal([1L, 2], pipeline.Target.Applied);
        Assert.Equal(2, pipeline.OldestUndurableSegment);
        pipeline.Target.LoseAfter(1);
        pipeline.Target.HoldWrites = false;

        // Nothing more for this target: the poll finds it behind what it was sent.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await pipeline.DrainAsync(timeout.Token);
        }

        Assert.Equal([1L, 2], pipeline.Target.Applied);
        Assert.Equal([(1L, 2L)], pipeline.Rebuilt);
        Assert.Equal(long.MaxValue, pipeline.OldestUndurableSegment);
    }

    [Fact]
    public async Task A_catch_up_returns_once_a_target_that_lost_ranges_holds_everything_routed_to_it()
    {
        var pipeline = new RecordingPipeline();
        await pipeline.CommitAndDrainAsync(1, 1);

        // Segment 2 is applied but cannot be written, segment 3 is routed and not yet sent, and
        // the target's silo dies. No send loop runs: the catch-up alone must do it.
        await pipeline.CommitUnwrittenAsync(2, 2);

        pipeline.OnCommitted(3, [Entry(3)]);
        pipeline.Target.LoseAfter(1);
        pipeline.Target.HoldWrites = false;

        await pipeline.CatchUpAsync("target", TimeSpan.FromSeconds(30));

        Assert.Equal([1L, 2, 3], pipeline.Target.Applied);
        Assert.Equal(3, pipeline.Target.Watermark);
        Assert.Equal([(1L, 2L)], pipeline.Rebuilt);

        // A target this pipeline never routed anything to has nothing to catch up.
        await pipeline.CatchUpAsync("another", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_target_that_cannot_write_yet_is_not_sent_anything_again()
    {
        var pipeline = new RecordingPipeline();
        pipeline.Target.HoldWrites = true;
        pipeline.OnCommitted(1, [Entry(1)]);
        using (var brief = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await pipeline.DrainAsync(brief.Token);
        }

        pipeline.Target.HoldWrites = false;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await pipeline.DrainAsync(timeout.Token);
        }

        Assert.Equal([1L], pipeline.Target.Applied);
        Assert.Empty(pipeline.Rebuilt);
    }

    [Fact]
    public async Task Without_a_gap_nothing_is_rebuilt_and_ranges_arrive_in_order()
    {
        var pipeline = new RecordingPipeline();
        pipeline.OnCommitted(1, [Entry(1)]);
        pipeline.OnCommitted(2, [Entry(2), Entry(3)]);
        await pipeline.CommitAndDrainAsync(3, 4);

        Assert.Equal([1L, 2, 3, 4], pipeline.Target.Applied);
        Assert.Equal(3, pipeline.Target.Watermark);
        Assert.Empty(pipeline.Rebuilt);
    }

    private static JournalEntry Entry(long seq) => new()
    {
        Seq = seq,
        StateBefore = [],
        Request = new IngestRequest { AppId = "app", DeviceId = "device", TimeZone = "UTC" },
    };

    /// <summary>A target holding what it applied per acknowledged range, like a counter grain's watermark.</summary>
    private sealed class Target
    {
        private readonly List<(long To, List<long> Seqs)> _ranges = [];

        public long Watermark { get; private set; }

        public List<long> Applied => [.. _ranges.SelectMany(r => r.Seqs)];

        public CounterAck Apply(long from, long to, List<long> seqs)
        {
            if (from > Watermark)
            {
                return new CounterAck { Status = BatchStatus.Gap, Watermark = Watermark, Durable = Watermark };
            }

            Assert.Equal(Watermark, from);
            _ranges.Add((to, [.. seqs]));
            Watermark = to;
            return new CounterAck { Status = BatchStatus.Applied, Watermark = to, Durable = Flush() };
        }

        /// <summary>While set, what the target applies stays in its memory only (its writes fail).</summary>
        public bool HoldWrites { get; set; }

        public long Durable { get; private set; }

        public long Flush() => HoldWrites ? Durable : Durable = Watermark;

        public void LoseAfter(long watermark)
        {
            _ranges.RemoveAll(r => r.To > watermark);
            Watermark = watermark;
            Durable = Math.Min(Durable, watermark);
        }
    }

    /// <summary>Routes each entry's sequence number to the one target; keeps the committed segments as the journal in storage would.</summary>
    private sealed class RecordingPipeline() : SegmentPipeline<List<long>>(NullLogger.Instance, TimeSpan.FromMilliseconds(10), TimeSpan.Zero)
    {
        private readonly Dictionary<long, IReadOnlyList<JournalEntry>> _journal = [];

        public Target Target { get; } = new();

        public List<(long From, long To)> Rebuilt { get; } = [];

        protected override string JournalId => "journal";

        public async Task CommitAndDrainAsync(long segment, params long[] seqs)
        {
            OnCommitted(segment, [.. seqs.Select(Entry)]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await DrainAsync(timeout.Token);
        }

        /// <summary>Commits a segment the target applies but cannot write (its writes are held from now on).</summary>
        public async Task CommitUnwrittenAsync(long segment, params long[] seqs)
        {
            Target.HoldWrites = true;
            OnCommitted(segment, [.. seqs.Select(Entry)]);
            using var brief = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await DrainAsync(brief.Token);
        }

        public new void OnCommitted(long segment, IReadOnlyList<JournalEntry> entries)
        {
            _journal[segment] = entries;
            base.OnCommitted(segment, entries);
        }

        protected override List<long> NewAccumulator() => [];

        protected override void Route(JournalEntry entry, Func<string, List<long>?> accumulatorFor) => accumulatorFor("target")?.Add(entry.Seq);

        protected override Task<CounterAck> SendAsync(string target, long from, long to, List<long> accumulator) =>
            Task.FromResult(Target.Apply(from, to, accumulator));

        protected override Task<long> FlushTargetAsync(string target) => Task.FromResult(Target.Flush());

        public override Task<long> WatermarkOfAsync(string target) => Task.FromResult(Target.Watermark);

        protected override Task<List<long>> RebuildAsync(string target, long from, long to)
        {
            Rebuilt.Add((from, to));
            return Task.FromResult(RouteOnly(target, _journal.Where(s => s.Key > from && s.Key <= to).OrderBy(s => s.Key).SelectMany(s => s.Value)));
        }

        protected override List<long> Merge(List<long> older, List<long> newer)
        {
            older.AddRange(newer);
            return older;
        }
    }
}
