using Analytics.Grains;
using Analytics.Grains.Codec;
using Analytics.Grains.Domain;

namespace Analytics.Tests.Grains;

/// <summary>The bulk mark (<see cref="BulkResend"/>) and its place in the device state.</summary>
public sealed class BulkResendTests
{
    [Fact]
    public void Bulks_the_fingerprint_window_covers_get_no_mark()
    {
        Assert.Equal(0UL, BulkResend.MarkOf(Items(DeviceState.FingerprintWindow)));
        Assert.Equal(0UL, BulkResend.MarkOf([.. Items(DeviceState.FingerprintWindow), .. Items(30, fingerprinted: false)]));
        Assert.NotEqual(0UL, BulkResend.MarkOf(Items(DeviceState.FingerprintWindow + 1)));
    }

    [Fact]
    public void The_mark_depends_on_the_fingerprinted_items_and_their_order_only()
    {
        var items = Items(20);
        var mark = BulkResend.MarkOf(items);

        Assert.Equal(mark, BulkResend.MarkOf([.. Items(20)]));
        Assert.Equal(mark, BulkResend.MarkOf([.. items.Take(5), .. Items(3, fingerprinted: false), .. items.Skip(5)]));
        Assert.NotEqual(mark, BulkResend.MarkOf([items[1], items[0], .. items.Skip(2)]));
        Assert.NotEqual(mark, BulkResend.MarkOf([.. items.Take(19)]));
    }

    [Fact]
    public void A_device_remembers_how_far_it_got_in_the_last_marked_bulk()
    {
        var state = new DeviceState();

        Assert.Equal(0, state.BeginBulk(7));
        state.BulkApplied = 12;
        Assert.Equal(12, state.BeginBulk(7));
        Assert.Equal(0, state.BeginBulk(8));
        Assert.Equal(0, state.BeginBulk(7));
    }

    [Fact]
    public void The_mark_survives_the_codec_and_version_1_states_still_read()
    {
        var state = new DeviceState { Seq = 5, SessionCount = 2, BulkMark = 0xDEADBEEF12345678, BulkApplied = 300 };
        var decoded = DeviceStateCodec.Decode(DeviceStateCodec.Encode(state));
        Assert.Equal(state.BulkMark, decoded.BulkMark);
        Assert.Equal(300, decoded.BulkApplied);
        Assert.Equal(2, decoded.SessionCount);

        // A version 1 state is a version 2 one without a mark, less its last byte (the mark flag).
        var plain = DeviceStateCodec.Encode(new DeviceState { Seq = 9, SessionCount = 3, Country = "TR" });
        var v1 = plain[..^1];
        v1[0] = 1;
        var old = DeviceStateCodec.Decode(v1);
        Assert.Equal((9L, 3, "TR", 0UL, 0), (old.Seq, old.SessionCount, old.Country, old.BulkMark, old.BulkApplied));
    }

    private static List<IngestRequest> Items(int count, bool fingerprinted = true) =>
        [.. Enumerable.Range(1, count).Select(i => new IngestRequest
        {
            AppId = "5f0000000000000000000001",
            DeviceId = "d",
            Timestamp = i,
            ReceivedAt = i,
            TimeZone = "UTC",
            Fingerprint = fingerprinted ? (ulong)i : 0,
        })];
}
