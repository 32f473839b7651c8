using System.Globalization;
using System.Text.Json;

namespace Analytics.Bench.Load;

/// <summary>
/// <c>tally</c>: the reference model. Reads back the lines every connection got a final answer
/// for and derives from the request text alone what Countly counts for them (spec §1.5, §1.10):
/// a begin of a new device adds <c>t n u e</c>; an event batch or a broken-JSON request adds one
/// <c>e</c>; <c>session_duration=N</c> adds one <c>e</c> and <c>d</c> N; the Node SDK's
/// <c>end_session=1&amp;session_duration=0</c> adds nothing; malformed requests add nothing.
/// </summary>
public static class TallyCommand
{
    /// <summary>Runs the command.</summary>
    public static int Run(CommandLine cl)
    {
        var apps = AppCatalog.Read(cl.Required("apps"));
        var lines = cl.Required("lines");
        var result = RoundResult.Read(cl.Required("result"));
        var output = cl.Required("out");
        cl.EnsureAllRead();

        var expected = new Expected();
        var zones = apps.Apps.ToDictionary(a => a.Key, a => TimeZoneInfo.FindSystemTimeZoneById(a.Timezone));
        var begun = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < result.Connections.Count; c++)
        {
            var take = result.Connections[c].Cursor;
            if (take == 0)
            {
                continue;
            }

            foreach (var line in File.ReadLines(Path.Combine(lines, GenCommand.FileName(c))).Take(checked((int)take)))
            {
                expected.Requests++;
                var kind = line[0];
                if (kind == LineKind.Malformed)
                {
                    continue;
                }

                var q = Parse(line.AsSpan(line.IndexOf('?', StringComparison.Ordinal) + 1));
                var app = apps.ByKey(q["app_key"]) ?? throw new InvalidDataException("unknown app key in a valid line: " + line);
                var zone = zones[app.Key];
                var day = Day(long.Parse(q["timestamp"], CultureInfo.InvariantCulture), zone);
                var counts = expected.At(app.Id, day);
                var hasDuration = q.TryGetValue("session_duration", out var durationText);
                var duration = hasDuration && int.TryParse(durationText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var dur) ? dur : 0;
                switch (kind)
                {
                    case LineKind.Begin:
                        if (!begun.Add(app.Key + "|" + q["device_id"]))
                        {
                            throw new InvalidDataException("a device began twice; the model covers one session per device: " + line);
                        }

                        counts.T++;
                        counts.N++;
                        counts.U++;
                        counts.E++;
                        break;
                    case LineKind.Events:
                        counts.E++;
                        AddEvents(expected, app.Id, zone, q["events"]);
                        break;
                    case LineKind.BrokenJson:
                        counts.E++;
                        break;
                    case LineKind.Duration:
                    case LineKind.End:
                        if (duration > 0)
                        {
                            counts.E++;
                            counts.D += duration;
                        }
                        else if (!hasDuration)
                        {
                            counts.E++;
                        }

                        break;
                    default:
                        throw new InvalidDataException("unknown line kind: " + line);
                }
            }
        }

        expected.Devices = begun.Count;
        expected.Write(output);
        Console.WriteLine($"tally: {expected.Requests:N0} answered requests, {expected.Devices:N0} devices began -> {output}");
        return 0;
    }

    /// <summary>The day key (<c>yyyy-M-d</c>) of <paramref name="ms"/> in <paramref name="zone"/>.</summary>
    public static string Day(long ms, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone);
        return string.Create(CultureInfo.InvariantCulture, $"{local.Year}-{local.Month}-{local.Day}");
    }

    private static void AddEvents(Expected expected, string appId, TimeZoneInfo zone, string json)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var day = Day(e.GetProperty("timestamp").GetInt64(), zone);
            var counts = expected.At(appId, day).Event(e.GetProperty("key").GetString()!);
            counts.C += e.GetProperty("count").GetInt64();
            counts.S += e.GetProperty("sum").GetDecimal();
        }
    }

    private static Dictionary<string, string> Parse(ReadOnlySpan<char> query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var eq = pair.IndexOf('=');
            if (eq > 0)
            {
                result[pair[..eq].ToString()] = Uri.UnescapeDataString(pair[(eq + 1)..].ToString());
            }
        }

        return result;
    }
}
