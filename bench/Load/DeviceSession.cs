using System.Text;

namespace Analytics.Bench.Load;

/// <summary>
/// One device walking through a whole SDK session: begin with metrics, three event batches,
/// <c>session_duration=30</c>, end. Its timestamps are unique, increasing and inside the
/// run's time window, so every request lands on the same day and is never clamped.
/// </summary>
public sealed class DeviceSession
{
    /// <summary>Steps of a session.</summary>
    public const int Steps = 6;

    private readonly long[] _times = new long[Steps];
    private SplitMix _rng;
    private int _extra;

    /// <summary>Creates device <paramref name="index"/> of round <paramref name="round"/>.</summary>
    public DeviceSession(AppCatalog apps, int seed, int round, long index, long windowStart, long windowEnd)
    {
        _rng = SplitMix.For(seed, round, index);
        App = apps.Pick(_rng.Unit());
        Id = SessionWriter.DeviceId(ref _rng);
        var t0 = windowStart + (long)(_rng.Unit() * Math.Max(1, windowEnd - windowStart - 40_000));
        _times[0] = t0;
        _times[1] = t0 + 1_000 + _rng.Below(4_000);
        _times[2] = t0 + 6_000 + _rng.Below(5_000);
        _times[3] = t0 + 12_000 + _rng.Below(15_000);
        _times[4] = t0 + 30_000;
        _times[5] = _times[4] + 500 + _rng.Below(1_500);
    }

    /// <summary>The device's app.</summary>
    public AppInfo App { get; }

    /// <summary>The device id.</summary>
    public string Id { get; }

    /// <summary>The next step to send (0 = begin … 5 = end; 6 = done).</summary>
    public int Step { get; private set; }

    /// <summary>Whether the session has begun and not ended, so an extra request fits in order.</summary>
    public bool InSession => Step is > 0 and < Steps;

    /// <summary>Appends the next step as a line (<c>K /i?…</c>) and advances.</summary>
    public void WriteNext(StringBuilder line)
    {
        var ts = _times[Step];
        var kind = Step switch
        {
            0 => LineKind.Begin,
            < 4 => LineKind.Events,
            4 => LineKind.Duration,
            _ => LineKind.End,
        };
        line.Append(kind).Append(" /i?");
        switch (kind)
        {
            case LineKind.Begin:
                SessionWriter.Begin(line, ref _rng);
                break;
            case LineKind.Events:
                SessionWriter.Events(line, ref _rng, ts);
                break;
            case LineKind.Duration:
                line.Append("session_duration=30");
                break;
            default:
                line.Append("end_session=1&session_duration=0");
                break;
        }

        SessionWriter.Common(line, App.Key, Id, ts);
        Step++;
    }

    /// <summary>Appends a request with broken <c>events</c> JSON between two steps of the session.</summary>
    public void WriteBrokenJson(StringBuilder line)
    {
        // Steps are at least 500 ms apart, so a few extra milliseconds stay unique and in order.
        var ts = _times[Step - 1] + 1 + _extra++;
        line.Append(LineKind.BrokenJson).Append(" /i?events=").AppendEncoded("[{\"key\":\"purchase\",\"count\":1,\"sum\":");
        SessionWriter.Common(line, App.Key, Id, ts);
    }
}
