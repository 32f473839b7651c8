using Analytics.Frontend.Ingest;
using Analytics.Grains;
using Analytics.Grains.Domain;
using BenchmarkDotNet.Attributes;

namespace Analytics.Bench.Micro;

/// <summary>
/// The session rules (<see cref="SessionRules.Apply"/>) on requests normalised the way the
/// Frontend does it: a new device's begin with metrics, an event batch, and a whole SDK
/// session (begin, three event batches, <c>session_duration=30</c>, end).
/// </summary>
[MemoryDiagnoser]
public class SessionRulesBenchmarks
{
    private const string AppId = "6b0803af8b0eada9bcca66ce";
    private readonly CollectingSink _sink = new();
    private readonly TimeZoneInfo _zone = TimeZones.Get("Etc/UTC");
    private IngestRequest _begin = null!;
    private IngestRequest[] _session = null!;
    private DeviceState _inSession = null!;

    /// <summary>Normalises the requests once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var t = SdkRequests.Timestamp;
        _begin = Request(SdkRequests.Begin, t);
        _session =
        [
            _begin,
            Request(SdkRequests.At(SdkRequests.Events, t + 2_000), t + 2_000),
            Request(SdkRequests.At(SdkRequests.Events, t + 9_000), t + 9_000),
            Request(SdkRequests.At(SdkRequests.Events, t + 17_000), t + 17_000),
            Request(SdkRequests.At(SdkRequests.Begin.Replace("begin_session=1&metrics=", "session_duration=30&x=", StringComparison.Ordinal), t + 30_000), t + 30_000),
            Request(SdkRequests.At(SdkRequests.Begin.Replace("begin_session=1&metrics=", "end_session=1&session_duration=0&x=", StringComparison.Ordinal), t + 31_000), t + 31_000),
        ];
        _inSession = new DeviceState();
        SessionRules.Apply(_inSession, _begin, _zone, _sink);
        _sink.Clear();
    }

    /// <summary>A new device's first begin_session with metrics.</summary>
    [Benchmark]
    public int Begin_new_device()
    {
        _sink.Clear();
        SessionRules.Apply(new DeviceState(), _begin, _zone, _sink);
        return _sink.Added.Count;
    }

    /// <summary>A three-event batch of a device in session (state cloned so the fingerprint is new each time).</summary>
    [Benchmark]
    public int Events_in_session()
    {
        _sink.Clear();
        SessionRules.Apply(_inSession.Clone(), _session[1], _zone, _sink);
        return _sink.Added.Count;
    }

    /// <summary>A whole session of a new device: six requests.</summary>
    [Benchmark]
    public int Whole_session() => Whole_session(_sink);

    /// <summary>The six requests of <see cref="Whole_session()"/>, their increments into <paramref name="sink"/> (cleared first).</summary>
    public int Whole_session(CollectingSink sink)
    {
        sink.Clear();
        var state = new DeviceState();
        foreach (var request in _session)
        {
            SessionRules.Apply(state, request, _zone, sink);
        }

        return sink.Added.Count;
    }

    private static IngestRequest Request(string query, long timestamp)
    {
        var bag = ParamBag.FromQuery(query, RequestLimits.Default).Bag!;
        var hasDuration = SdkValues.TryGetSessionDuration(bag, out var duration);
        var begin = bag.IsTruthy("begin_session");
        return new IngestRequest
        {
            AppId = AppId,
            DeviceId = bag.GetString("device_id")!,
            Timestamp = timestamp,
            ReceivedAt = timestamp + 60_000,
            TimeZone = "Etc/UTC",
            BeginSession = begin,
            EndSession = bag.IsTruthy("end_session"),
            HasSessionDuration = hasDuration,
            HasUnusableSessionDuration = !hasDuration && bag.IsTruthy("session_duration"),
            SessionDuration = duration,
            Metrics = MetricNormalizer.Normalize(bag),
            Events = EventNormalizer.Normalize(bag, timestamp, timestamp + 60_000),
            Country = "DE",
            City = "Unknown",
            HasLocation = begin,
            Fingerprint = Fingerprint.Of(bag),
        };
    }
}
