using Analytics.Grains;
using Analytics.Grains.Domain;

namespace Analytics.Tests.Output;

/// <summary>Drives <see cref="SessionRules.Apply"/> for a few devices of one app and collects what it writes.</summary>
internal sealed class Traffic(string timeZone = "Europe/Istanbul")
{
    private readonly Dictionary<string, DeviceState> _devices = new(StringComparer.Ordinal);

    public TimeZoneInfo Zone { get; } = TimeZones.Get(timeZone);

    public CollectingSink Sink { get; } = new();

    /// <summary>Unix ms of a local wall-clock time in the app's zone.</summary>
    public long At(int year, int month, int day, int hour, int minute, int second = 0) =>
        LocalTime.ToUnixMs(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified), Zone);

    /// <summary>Applies one request of <paramref name="device"/>.</summary>
    public void Send(string device, long timestamp, bool begin = false, bool end = false, int? duration = null, Metrics? metrics = null, IReadOnlyList<IngestEvent>? events = null, bool unusableDuration = false)
    {
        if (!_devices.TryGetValue(device, out var state))
        {
            _devices[device] = state = new DeviceState();
        }

        var request = new IngestRequest
        {
            AppId = "0123456789abcdef01234567",
            DeviceId = device,
            TimeZone = Zone.Id,
            Timestamp = timestamp,
            ReceivedAt = timestamp,
            BeginSession = begin,
            EndSession = end,
            SessionDuration = duration ?? 0,
            HasSessionDuration = duration is not null,
            HasUnusableSessionDuration = unusableDuration,
            Metrics = metrics,
            Events = events ?? [],
        };
        SessionRules.Apply(state, request, Zone, Sink);
    }

    /// <summary>The snapshots of <paramref name="collection"/>.</summary>
    public IReadOnlyList<(int Year, CounterSnapshot Snapshot)> Snapshots(string collection) => Sink.Snapshots(collection);
}
