using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Analytics.Bench.Load;

/// <summary>
/// <c>gen</c>: pre-generates the request lines of one round, one file per connection
/// (<c>conn-NNNN.txt</c>). Connection <c>c</c> owns devices <c>c, c+C, c+2C, …</c>; it keeps
/// <c>--window</c> sessions open and picks the next step of a random open session, so a
/// device's requests stay in order on one connection while the mix is interleaved.
/// </summary>
public static class GenCommand
{
    /// <summary>Runs the command.</summary>
    public static int Run(CommandLine cl)
    {
        var apps = AppCatalog.Read(cl.Required("apps"));
        var devices = cl.Int("devices", 100_000);
        var connections = cl.Int("connections", 256);
        var window = cl.Int("window", 8);
        var round = cl.Int("round", 1);
        var seed = cl.Int("seed", 42);
        var malformed = cl.Double("malformed", 0);
        var output = cl.Required("out");
        var now = cl.Optional("now") is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        cl.EnsureAllRead();
        if (devices is < 1 or > 10_000_000 || connections < 1 || window < 1 || malformed is < 0 or >= 0.5)
        {
            throw new ArgumentException("need 1 <= --devices <= 10M, --connections >= 1, --window >= 1, 0 <= --malformed < 0.5");
        }

        var (start, end) = TimeWindow(now);
        Directory.CreateDirectory(output);
        var counts = new long[connections, 7];
        var extraChance = malformed / (1 - malformed);
        Parallel.For(0, connections, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, c =>
        {
            var path = Path.Combine(output, FileName(c));
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
            var rng = SplitMix.For(seed, round, -1 - c);
            var open = new List<DeviceSession>(window);
            long next = c;
            var line = new StringBuilder(1024);
            while (true)
            {
                while (open.Count < window && next < devices)
                {
                    open.Add(new DeviceSession(apps, seed, round, next, start, end));
                    next += connections;
                }

                if (open.Count == 0)
                {
                    break;
                }

                var i = rng.Below(open.Count);
                var device = open[i];
                if (extraChance > 0 && rng.Unit() < extraChance)
                {
                    line.Clear();
                    var kind = rng.Below(4);
                    if (kind == 3 && device.InSession)
                    {
                        device.WriteBrokenJson(line);
                    }
                    else
                    {
                        WriteMalformed(line, apps, ref rng, kind, start, end);
                    }

                    Emit(writer, line, counts, c);
                }

                line.Clear();
                device.WriteNext(line);
                Emit(writer, line, counts, c);
                if (device.Step == DeviceSession.Steps)
                {
                    open[i] = open[^1];
                    open.RemoveAt(open.Count - 1);
                }
            }
        });

        var kinds = "BEDXJM";
        var totals = kinds.ToDictionary(k => k.ToString(), k => Enumerable.Range(0, connections).Sum(c => counts[c, kinds.IndexOf(k)]));
        var plan = new RoundPlan(round, devices, connections, window, seed, malformed, start, end, totals.Values.Sum(), totals);
        File.WriteAllText(Path.Combine(output, "plan.json"), JsonSerializer.Serialize(plan, Json.Options));
        Console.WriteLine($"round {round}: {plan.Lines:N0} lines for {devices:N0} devices on {connections} connections, " +
            $"timestamps {DateTimeOffset.FromUnixTimeMilliseconds(start):u} .. {DateTimeOffset.FromUnixTimeMilliseconds(end):u} -> {output}");
        return 0;
    }

    /// <summary>The file of connection <paramref name="c"/>.</summary>
    public static string FileName(int c) => $"conn-{c.ToString("D4", CultureInfo.InvariantCulture)}.txt";

    /// <summary>
    /// The time window of the round's timestamps: the last 50 minutes before <paramref name="now"/>
    /// minus a minute, cut at the start of the UTC day; shortly after midnight, yesterday's last
    /// hour. Every timestamp is in the past (never clamped) and on one day.
    /// </summary>
    public static (long Start, long End) TimeWindow(long now)
    {
        const long Minute = 60_000;
        var end = now - Minute;
        var dayStart = end / (1440 * Minute) * (1440 * Minute);
        var start = Math.Max(end - (50 * Minute), dayStart);
        if (end - start < 10 * Minute)
        {
            return (dayStart - (60 * Minute), dayStart - 1000);
        }

        return (start, end);
    }

    private static void WriteMalformed(StringBuilder line, AppCatalog apps, ref SplitMix rng, int kind, long start, long end)
    {
        var ts = start + (long)(rng.Unit() * (end - start));
        var deviceId = SessionWriter.DeviceId(ref rng);
        line.Append(LineKind.Malformed).Append(" /i?");
        SessionWriter.Events(line, ref rng, ts);
        switch (kind)
        {
            case 0:
                SessionWriter.Common(line, null, deviceId, ts);
                break;
            case 1:
                SessionWriter.Common(line, apps.Apps[rng.Below(apps.Apps.Count)].Key, null, ts);
                break;
            default:
                Span<byte> key = stackalloc byte[20];
                BitConverter.TryWriteBytes(key, rng.Next());
                BitConverter.TryWriteBytes(key[8..], rng.Next());
                BitConverter.TryWriteBytes(key[16..], (uint)rng.Next());
                SessionWriter.Common(line, Convert.ToHexStringLower(key), deviceId, ts);
                break;
        }
    }

    private static void Emit(StreamWriter writer, StringBuilder line, long[,] counts, int c)
    {
        counts[c, "BEDXJM".IndexOf(line[0])]++;
        writer.Write(line);
        writer.Write('\n');
    }
}
