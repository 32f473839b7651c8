using Analytics.Grains;
using Analytics.Grains.Codec;
using Analytics.Grains.Domain;
using Analytics.Grains.Journal;

namespace Analytics.Tests.Output;

/// <summary>
/// What <see cref="SessionRules.Apply"/> reports about a request: whether it began a counted
/// session, which the live numbers count (a merge's sessions and cooldown extensions are none).
/// </summary>
public sealed class SessionOutcomeTests
{
    private const long T = 1_730_000_000_000;

    [Fact]
    public void A_begin_is_a_counted_session_and_its_resend_a_duplicate()
    {
        var state = new DeviceState();

        Assert.Equal(SessionRules.Outcome.Began, Apply(state, Request(T, 1) with { BeginSession = true }));
        Assert.Equal(SessionRules.Outcome.Duplicate, Apply(state, Request(T, 1) with { BeginSession = true }));
        Assert.Equal(SessionRules.Outcome.Applied, Apply(state, Request(T + 1_000, 2) with { HasSessionDuration = true, SessionDuration = 1 }));
    }

    [Fact]
    public void A_begin_within_the_cooldown_extends_the_session_and_counts_none()
    {
        var state = new DeviceState();
        Apply(state, Request(T, 1) with { BeginSession = true });
        Apply(state, Request(T + 5_000, 2) with { EndSession = true });

        Assert.Equal(SessionRules.Outcome.Applied, Apply(state, Request(T + 10_000, 3) with { BeginSession = true }));
        Assert.Equal(SessionRules.Outcome.Began, Apply(state, Request(T + 60_000, 4) with { BeginSession = true }));
    }

    [Theory]
    [InlineData(false, SessionRules.Outcome.Applied)]
    [InlineData(true, SessionRules.Outcome.Began)]
    public void A_merge_counts_a_session_only_for_its_own_begin(bool begin, SessionRules.Outcome expected)
    {
        var old = new DeviceState();
        Apply(old, Request(T, 1) with { BeginSession = true });
        Apply(old, Request(T + 60_000, 2) with { EndSession = true });
        var state = new DeviceState();

        var merge = Request(T + 120_000, 3) with { MergeFrom = "old", MergedState = DeviceStateCodec.Encode(old), BeginSession = begin };

        Assert.Equal(expected, Apply(state, merge));
    }

    [Fact]
    public void After_a_reset_a_device_numbers_its_states_above_every_state_from_before_it()
    {
        // Before the reset: a device with many records (a state still on its way to its bucket).
        var before = new DeviceState { Seq = 5_000_000 };
        Apply(before, Request(T, 1) with { BeginSession = true });

        // After it: the same device, active (its state kept) or starting from nothing.
        var kept = DeviceStateCodec.Decode(DeviceStateCodec.Encode(before));
        var fresh = new DeviceState();
        Assert.Equal(SessionRules.Outcome.Began, Apply(kept, Request(T + 60_000, 2) with { BeginSession = true, Epoch = 1 }));
        Assert.Equal(SessionRules.Outcome.Began, Apply(fresh, Request(T + 60_000, 2) with { BeginSession = true, Epoch = 1 }));

        Assert.Equal(DeviceState.FirstSeqOf(1), kept.Seq);
        Assert.Equal(DeviceState.FirstSeqOf(1), fresh.Seq);
        Assert.True(fresh.Seq > before.Seq);
        Assert.True(DeviceState.FirstSeqOf(2) > DeviceState.FirstSeqOf(1) + 1_000_000_000_000);
        Assert.Equal(0, DeviceState.FirstSeqOf(0));
    }

    private static SessionRules.Outcome Apply(DeviceState state, IngestRequest request) =>
        SessionRules.Apply(state, request, TimeZones.Get("UTC"), new CounterIncrements());

    private static IngestRequest Request(long t, ulong fingerprint) => new()
    {
        AppId = "app",
        DeviceId = "device",
        Timestamp = t,
        ReceivedAt = t,
        TimeZone = "UTC",
        Fingerprint = fingerprint,
    };
}
