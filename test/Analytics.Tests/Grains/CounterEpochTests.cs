using Analytics.Grains;
using Analytics.Grains.Counters;
using Analytics.Grains.Pipeline;

namespace Analytics.Tests.Grains;

/// <summary>App resets and the write path: increments of requests from before a reset never reach the counters after it.</summary>
public sealed class CounterEpochTests
{
    [Fact]
    public void An_accumulator_drops_what_an_earlier_epoch_left_when_a_later_one_arrives()
    {
        var acc = new CounterAccumulator();
        Assert.True(acc.Admit(0));
        acc.Add("0", "u", 1);
        acc.AddMeta("os", "Android");

        Assert.True(acc.Admit(1));
        acc.Add("0", "t", 2);

        var batch = acc.ToBatch("j", 0, 1);
        Assert.Equal(1, batch.Epoch);
        Assert.Equal(["t"], batch.Paths);
        Assert.Empty(batch.MetaSets);
    }

    [Fact]
    public void An_accumulator_refuses_an_earlier_epoch_than_it_holds()
    {
        var acc = new CounterAccumulator();
        acc.Admit(2);

        Assert.False(acc.Admit(1));
    }

    [Fact]
    public void Merging_accumulators_of_different_epochs_keeps_the_later_one()
    {
        var older = new CounterAccumulator();
        older.Admit(0);
        older.Add("0", "u", 1);
        var newer = new CounterAccumulator();
        newer.Admit(1);
        newer.Add("0", "t", 1);

        older.Merge(newer);

        var batch = older.ToBatch("j", 0, 1);
        Assert.Equal(1, batch.Epoch);
        Assert.Equal(["t"], batch.Paths);
    }

    [Fact]
    public void A_store_drops_a_batch_of_an_earlier_epoch_but_takes_its_range()
    {
        var store = new CounterStore(new CounterKey("5f0000000000000000000001", 2024, Collections.Users));
        store.Apply(Batch(epoch: 1, from: 0, to: 1, value: 1), 0);

        var ack = store.Apply(Batch(epoch: 0, from: 1, to: 2, value: 5), 0);

        Assert.Equal((BatchStatus.Applied, 2L), (ack.Status, ack.Watermark));
        Assert.Equal(1, store.Read(null).Docs["0"]["u"]);
    }

    [Fact]
    public void A_store_takes_batches_of_its_epoch_and_later_ones()
    {
        var store = new CounterStore(new CounterKey("5f0000000000000000000001", 2024, Collections.Users));
        store.Apply(Batch(epoch: 0, from: 0, to: 1, value: 1), 0);

        store.Apply(Batch(epoch: 1, from: 1, to: 2, value: 2), 0);

        Assert.Equal((1, 3m), (store.Epoch, store.Read(null).Docs["0"]["u"]));
    }

    private static CounterBatch Batch(int epoch, long from, long to, decimal value) => new()
    {
        JournalId = "j",
        From = from,
        To = to,
        Docs = ["0"],
        Paths = ["u"],
        Values = [value],
        MetaSets = [],
        MetaValues = [],
        Epoch = epoch,
    };
}
