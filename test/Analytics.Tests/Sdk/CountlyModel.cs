using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Sdk;

/// <summary>
/// Countly's aggregation rules (spec §1.3–§1.10, modern line, Countly 24.x usage.js) applied to
/// the requests an SDK actually sent, written independently of the server: the numbers the
/// server must show through <c>/o</c>. Covers what the SDKs here send: sessions (begin, duration,
/// end, cooldown, uniques, frequency and duration buckets) and events (counts, sums, durations,
/// segments); every device is in country <c>Unknown</c>; requests are given in the order the
/// server received them (per device).
/// </summary>
public sealed class CountlyModel(TimeZoneInfo zone)
{
    private const long CooldownMs = 15_000;
    private const int SessionDurationLimit = 86_400;
    private readonly Dictionary<string, Device> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Key, string Segment), JsonObject> _segmented = [];

    /// <summary>The expected <c>method=sessions</c> object, restricted to <c>t n u e d f ds</c>.</summary>
    public JsonObject Sessions { get; } = [];

    /// <summary>Requests applied so far.</summary>
    public int Requests { get; private set; }

    /// <summary>The expected <c>method=events&amp;event=<paramref name="key"/></c> object without <c>meta</c>.</summary>
    public JsonObject Event(string key) => _events.TryGetValue(key, out var o) ? o : [];

    /// <summary>The expected <c>method=events&amp;event=…&amp;segmentation=<paramref name="segment"/></c> object without <c>meta</c>.</summary>
    public JsonObject EventBySegment(string key, string segment) => _segmented.TryGetValue((key, segment), out var o) ? o : [];

    /// <summary>Applies one <c>/i</c> request (or one <c>/i/bulk</c> item) as the server received it.</summary>
    public void Apply(IReadOnlyDictionary<string, JsonNode?> p)
    {
        Requests++;
        var deviceId = Text(p.GetValueOrDefault("device_id")) ?? throw new ArgumentException("no device_id");
        if (!_devices.TryGetValue(deviceId, out var device))
        {
            _devices[deviceId] = device = new Device();
        }

        var t = TimeMs(p.GetValueOrDefault("timestamp")) ?? throw new ArgumentException("the model needs the SDK's timestamp");
        var begin = Truthy(p, "begin_session");
        var end = Truthy(p, "end_session");

        // usage.js: the duration is processed first; "0" and NaN are truthy strings but add nothing.
        if (SessionDuration(p.GetValueOrDefault("session_duration")) is { } seconds)
        {
            Month(t, "e", 1);
            Month(t, "d", seconds);
            device.Sd += seconds;
        }

        if (begin)
        {
            if (device.LastEnd is { } lest && t - lest < CooldownMs && !Truthy(p, "ignore_cooldown"))
            {
                device.Ongoing = true; // session extension: nothing counted
            }
            else
            {
                BeginSession(device, t);
            }
        }

        if (end)
        {
            device.LastEnd = t;
            device.Ongoing = false;
            DayAndZero(t, "ds", DurationBucket(device.Sd));
            device.Sd = 0;
        }

        // `!params.qstring.begin_session && !params.qstring.session_duration`: a plain request.
        if (!begin && !Truthy(p, "session_duration"))
        {
            Month(t, "e", 1);
        }

        if (p.GetValueOrDefault("events") is { } events)
        {
            ApplyEvents(events, t);
        }
    }

    /// <summary>Applies every item of an <c>/i/bulk</c> <c>requests</c> array, in order.</summary>
    public void ApplyBulk(string requestsJson)
    {
        foreach (var item in JsonNode.Parse(requestsJson)!.AsArray())
        {
            Apply(item!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
        }
    }

    private void BeginSession(Device device, long t)
    {
        if (device.Ongoing)
        {
            // The previous session never ended: its duration bucket first (even "0").
            DayAndZero(t, "ds", DurationBucket(device.Sd));
            device.Sd = 0;
        }

        Month(t, "e", 1);
        Month(t, "t", 1);
        if (device.LastSeen is not { } ls)
        {
            Month(t, "n", 1);
            Unique(t, hour: true, day: true, week: true, month: true, year: true);
            DayAndZero(t, "f", "0");
            device.LastSeen = t;
        }
        else
        {
            var now = Local(t);
            var seen = Local(ls);
            var hourStart = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0);
            Unique(
                t,
                hour: seen < hourStart,
                day: seen < now.Date,
                week: seen.Year == now.Year && Week(seen) < Week(now),
                month: seen < new DateTime(now.Year, now.Month, 1),
                year: seen < new DateTime(now.Year, 1, 1));
            if (t >= ls)
            {
                DayAndZero(t, "f", FrequencyBucket((t - ls) / 3_600_000.0));
            }

            device.LastSeen = Math.Max(ls, t);
        }

        device.Ongoing = true;
    }

    private void ApplyEvents(JsonNode events, long requestTime)
    {
        JsonNode? list;
        try
        {
            list = events is JsonValue v && v.TryGetValue<string>(out var text) ? JsonNode.Parse(text) : events;
        }
        catch (JsonException)
        {
            return;
        }

        if (list is not JsonArray array)
        {
            return;
        }

        foreach (var e in array.OfType<JsonObject>())
        {
            if (Text(e["key"]) is not { Length: > 0 } key)
            {
                continue;
            }

            var count = Number(e["count"]) is { } c && Math.Truncate(c) != 0 ? Math.Truncate(c) : 1;
            var sum = Number(e["sum"]) is { } s && s != 0 ? Math.Round(s, 5) : (decimal?)null;
            var dur = Number(e["dur"]) is { } d && d != 0 ? d : (decimal?)null;
            var t = TimeMs(e["timestamp"]) ?? requestTime;
            var local = Local(t);
            if (!_events.TryGetValue(key, out var plain))
            {
                _events[key] = plain = [];
            }

            foreach (var path in TimePaths(local, hour: true))
            {
                AddEventValues(plain, path, count, sum, dur);
            }

            foreach (var (segment, value) in e["segmentation"]?.AsObject() ?? [])
            {
                if (SegmentValue(value) is not { } name)
                {
                    continue;
                }

                if (!_segmented.TryGetValue((key, segment), out var bySegment))
                {
                    _segmented[(key, segment)] = bySegment = [];
                }

                foreach (var path in TimePaths(local, hour: false))
                {
                    AddEventValues(bySegment, [.. path, name], count, sum, dur);
                }
            }
        }
    }

    private static void AddEventValues(JsonObject root, string[] path, decimal count, decimal? sum, decimal? dur)
    {
        Add(root, [.. path, "c"], count);
        if (sum is { } s)
        {
            Add(root, [.. path, "s"], s);
        }

        if (dur is { } d)
        {
            Add(root, [.. path, "dur"], d);
        }
    }

    /// <summary>A month-document key: year, month, day and hour levels.</summary>
    private void Month(long t, string key, decimal value)
    {
        foreach (var path in TimePaths(Local(t), hour: true))
        {
            Add(Sessions, [.. path, key], value);
        }
    }

    /// <summary>A unique-like bucket (<c>f</c>, <c>ds</c>): day level plus year, month and week.</summary>
    private void DayAndZero(long t, string key, string bucket)
    {
        var local = Local(t);
        var y = Y(local);
        Add(Sessions, [y, key, bucket], 1);
        Add(Sessions, [y, W(local), key, bucket], 1);
        Add(Sessions, [y, M(local), key, bucket], 1);
        Add(Sessions, [y, M(local), D(local), key, bucket], 1);
    }

    private void Unique(long t, bool hour, bool day, bool week, bool month, bool year)
    {
        var local = Local(t);
        var y = Y(local);
        if (year)
        {
            Add(Sessions, [y, "u"], 1);
        }

        if (week)
        {
            Add(Sessions, [y, W(local), "u"], 1);
        }

        if (month)
        {
            Add(Sessions, [y, M(local), "u"], 1);
        }

        if (day)
        {
            Add(Sessions, [y, M(local), D(local), "u"], 1);
        }

        if (hour)
        {
            Add(Sessions, [y, M(local), D(local), H(local), "u"], 1);
        }
    }

    private static IEnumerable<string[]> TimePaths(DateTime local, bool hour)
    {
        yield return [Y(local)];
        yield return [Y(local), M(local)];
        yield return [Y(local), M(local), D(local)];
        if (hour)
        {
            yield return [Y(local), M(local), D(local), H(local)];
        }
    }

    private static void Add(JsonObject root, string[] path, decimal value)
    {
        var node = root;
        foreach (var name in path[..^1])
        {
            if (node[name] is not JsonObject child)
            {
                node[name] = child = [];
            }

            node = child;
        }

        var leaf = path[^1];
        node[leaf] = (node[leaf]?.GetValue<decimal>() ?? 0) + value;
    }

    private DateTime Local(long ms) => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone).DateTime;

    private static int Week(DateTime local) => (local.DayOfYear + 6) / 7;

    private static string Y(DateTime d) => d.Year.ToString(CultureInfo.InvariantCulture);

    private static string M(DateTime d) => d.Month.ToString(CultureInfo.InvariantCulture);

    private static string D(DateTime d) => d.Day.ToString(CultureInfo.InvariantCulture);

    private static string H(DateTime d) => d.Hour.ToString(CultureInfo.InvariantCulture);

    private static string W(DateTime d) => "w" + Week(d).ToString(CultureInfo.InvariantCulture);

    /// <summary>Frequency bucket (spec §1.7, modern): hours since the previous session start.</summary>
    private static string FrequencyBucket(double hours) => hours switch
    {
        < 24 => "1",
        < 48 => "2",
        < 72 => "3",
        < 96 => "4",
        < 120 => "5",
        < 144 => "6",
        < 168 => "7",
        < 192 => "8",
        < 360 => "9",
        _ => "10",
    };

    /// <summary>Session duration bucket (spec §1.7): seconds of the finished session.</summary>
    private static string DurationBucket(long seconds) => seconds switch
    {
        <= 10 => "0",
        <= 30 => "1",
        <= 60 => "2",
        <= 180 => "3",
        <= 600 => "4",
        <= 1800 => "5",
        <= 3600 => "6",
        _ => "7",
    };

    /// <summary>Countly's segment value cleanup (spec §1.10); null when the value is skipped.</summary>
    private static string? SegmentValue(JsonNode? value)
    {
        if (value is JsonArray)
        {
            return null;
        }

        var text = value is null ? "null" : value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString();
        if (text.Length == 0)
        {
            return null;
        }

        text = (text.StartsWith('$') ? text[1..] : text).Replace('.', ':');
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var day) && day is >= 1 and <= 31 && text == day.ToString(CultureInfo.InvariantCulture)
            ? "[CLY]" + text
            : text;
    }

    /// <summary><c>parseInt(session_duration)</c> when usable (not 0, not NaN), capped; negative → 30.</summary>
    private static int? SessionDuration(JsonNode? node)
    {
        if (Text(node) is not { } text)
        {
            return null;
        }

        var digits = text.TrimStart();
        var sign = digits.StartsWith('-') ? -1 : 1;
        digits = digits.TrimStart('-', '+');
        var length = digits.TakeWhile(char.IsAsciiDigit).Count();
        var value = length is > 0 and < 10 ? sign * long.Parse(digits[..length], CultureInfo.InvariantCulture) : 0;
        if (value == 0)
        {
            return null;
        }

        value = Math.Min(value, SessionDurationLimit);
        return value < 0 ? 30 : (int)value;
    }

    /// <summary>The <c>timestamp</c> in ms: 13 digits are ms, 10 digits (fraction allowed) are seconds.</summary>
    private static long? TimeMs(JsonNode? node)
    {
        if (Text(node) is not { } text || !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        var whole = Math.Truncate(value).ToString(CultureInfo.InvariantCulture).Length;
        return whole switch
        {
            13 => (long)value,
            10 => (long)(value * 1000),
            _ => null,
        };
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    private static decimal? Number(JsonNode? node) =>
        Text(node) is { } text && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>JavaScript truthiness of a parameter as the server received it.</summary>
    private static bool Truthy(IReadOnlyDictionary<string, JsonNode?> p, string name) => p.GetValueOrDefault(name) switch
    {
        null => false,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<decimal>(out var d) => d != 0,
        _ => true,
    };

    private sealed class Device
    {
        public long? LastSeen { get; set; }

        public long? LastEnd { get; set; }

        public bool Ongoing { get; set; }

        public long Sd { get; set; }
    }
}
