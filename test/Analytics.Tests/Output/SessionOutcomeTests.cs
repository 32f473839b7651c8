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
