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
    public void Send(string device, long timestamp, bool begin = false, bool end = false, int? duration = null, Metrics? metrics = null, IReadOnlyList<IngestEvent>? events = null, bool unusableDuration = false, string? city = null)
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
            City = city ?? "Unknown",
            HasLocation = begin,
        };
        SessionRules.Apply(state, request, Zone, Sink);
    }

    /// <summary>
    /// What the grains do for a request of <paramref name="into"/> with <c>old_device_id</c> =
    /// <paramref name="from"/>: the request carries the old device's state, then the old device
    /// writes its merged-away record.
    /// </summary>
    public void Merge(string into, string from, long timestamp)
    {
        var old = State(from);
        var merged = old.HasBegun || old.Pending is { Count: > 0 } ? Analytics.Grains.Codec.DeviceStateCodec.Encode(old) : null;
        Apply(into, Request(into, timestamp) with { MergeFrom = from, MergedState = merged });
        Apply(from, Request(from, timestamp) with { MergedInto = into });
    }

    /// <summary>The state of <paramref name="device"/> (a new, empty one if it sent nothing).</summary>
    public DeviceState State(string device)
    {
        if (!_devices.TryGetValue(device, out var state))
        {
            _devices[device] = state = new DeviceState();
        }

        return state;
    }

    private IngestRequest Request(string device, long timestamp) => new()
    {
        AppId = "0123456789abcdef01234567",
        DeviceId = device,
        TimeZone = Zone.Id,
        Timestamp = timestamp,
        ReceivedAt = timestamp,
    };

    private void Apply(string device, IngestRequest request) => SessionRules.Apply(State(device), request, Zone, Sink);

    /// <summary>The snapshots of <paramref name="collection"/>.</summary>
    public IReadOnlyList<(int Year, CounterSnapshot Snapshot)> Snapshots(string collection) => Sink.Snapshots(collection);
}
