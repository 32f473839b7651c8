using System.Diagnostics;
using System.Net;

namespace Analytics.Bench.Load;

/// <summary>
/// <c>drive</c>: the .NET alternative to wrk. One task per connection walks its own line file
/// through a shared <see cref="SocketsHttpHandler"/> pool (one request in flight per task),
/// with the same answer rules as <c>bench/wrk/sessions.lua</c>, and writes a <see cref="RoundResult"/>.
/// With <c>--rate R</c> the load is open-loop: each connection sends its requests on a fixed
/// schedule (R ÷ connections a second, the connections staggered), as many independent devices
/// would, and a request's latency counts from when it was due, so one that starts late because
/// the previous answer was slow is charged the wait (no coordinated omission). A connection's
/// requests still go one at a time, in order, as one SDK's do.
/// </summary>
public static class DriveCommand
{
    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(CommandLine cl)
    {
        var url = cl.Required("url").TrimEnd('/');
        var lines = cl.Required("lines");
        var connections = cl.Int("connections", 256);
        var duration = TimeSpan.FromSeconds(cl.Double("duration", 10));
        var wrap = cl.Optional("wrap") == "true";
        var maxAttempts = cl.Int("max-attempts", 1000);
        var rate = cl.Double("rate", 0);
        var output = cl.Required("out");
        cl.EnsureAllRead();

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        // Open-loop: connection c sends at offset c × period ÷ connections, then every period.
        var period = rate > 0 ? Stopwatch.Frequency * connections / rate : 0;
        var workers = Enumerable.Range(0, connections)
            .Select(c => new Worker(Path.Combine(lines, GenCommand.FileName(c)), wrap, maxAttempts, (long)period, (long)(period * c / connections)))
            .ToArray();
        if (rate > 0)
        {
            // Open-loop latencies count from due times, so the connections are opened first:
            // otherwise every connection's first request would carry its TCP set-up. Any answer
            // will do (the baseline has no /o/ping).
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
            {
                using var response = await client.GetAsync(url + "/o/ping");
            }));
        }

        var clock = Stopwatch.StartNew();
        var deadline = duration;
        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(client, url, clock, deadline))));
        var elapsed = clock.Elapsed.TotalSeconds;

        var latencies = workers.SelectMany(w => w.Latencies).ToArray();
        Array.Sort(latencies);
        var result = new RoundResult
        {
            Driver = "dotnet",
            DurationSec = elapsed,
            Requests = latencies.Length,
            Rps = latencies.Length / elapsed,
            LatencyUs = Percentiles.Of(latencies),
            Ok = workers.Sum(w => w.Ok),
            Malformed = workers.Sum(w => w.Malformed),
            Malformed4xx = workers.Sum(w => w.Malformed4xx),
            Unexpected4xx = workers.Sum(w => w.Unexpected4xx),
            Status5xx = workers.Sum(w => w.Status5xx),
            OtherStatus = workers.Sum(w => w.Other),
            Retries = workers.Sum(w => w.Retries),
            GiveUps = workers.Sum(w => w.GiveUps),
            Resends = workers.Sum(w => w.Resends),
            Connections = [.. workers.Select(w => new ConnectionProgress { Cursor = w.Cursor, Exhausted = w.Exhausted })],
        };
        result.Write(output);
        var offered = rate > 0 ? FormattableString.Invariant($" (offered {rate:N0}/s, open-loop)") : "";
        Console.WriteLine($"dotnet: {result.Requests:N0} requests in {elapsed:F1} s = {result.Rps:N0}/s{offered}, p50 {result.LatencyUs["p50"] / 1000:F2} ms, p99 {result.LatencyUs["p99"] / 1000:F2} ms");
        return 0;
    }

    /// <summary>One connection; <paramref name="period"/> (stopwatch ticks, 0 = closed-loop) between due times, the first due at <paramref name="offset"/>.</summary>
    private sealed class Worker(string path, bool wrap, int maxAttempts, long period, long offset)
    {
        public List<int> Latencies { get; } = new(4096);
        public long Cursor { get; private set; }
        public bool Exhausted { get; private set; }
        public long Ok { get; private set; }
        public long Malformed { get; private set; }
        public long Malformed4xx { get; private set; }
        public long Unexpected4xx { get; private set; }
        public long Status5xx { get; private set; }
        public long Other { get; private set; }
        public long Retries { get; private set; }
        public long GiveUps { get; private set; }
        public long Resends { get; private set; }

        public async Task RunAsync(HttpClient client, string url, Stopwatch clock, TimeSpan deadline)
        {
            using var reader = new StreamReader(path, System.Text.Encoding.UTF8, false, 1 << 16);
            var line = await reader.ReadLineAsync();
            if (line is null && wrap)
            {
                reader.BaseStream.Position = 0;
                reader.DiscardBufferedData();
                line = await reader.ReadLineAsync();
            }

            var attempts = 0;
            var due = offset;
            long? scheduled = null;
            while (line is not null && clock.Elapsed < deadline)
            {
                var bad = LineKind.IsMalformed(line[0]);
                var started = clock.ElapsedTicks;
                if (period > 0)
                {
                    // A line waits for its due time; a retry or re-send of it goes at once. Its
                    // latency counts from the due time, even when the previous answer made it late.
                    if (scheduled is null)
                    {
                        scheduled = due;
                        due += period;
                        if (scheduled > started)
                        {
                            await Task.Delay(TimeSpan.FromSeconds((double)(scheduled.Value - started) / Stopwatch.Frequency));
                            if (clock.Elapsed >= deadline)
                            {
                                break;
                            }
                        }
                    }

                    started = scheduled.Value;
                }

                int status;
                try
                {
                    using var response = await client.GetAsync(string.Concat(url, line.AsSpan(2)), HttpCompletionOption.ResponseContentRead);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    Resends++;
                    continue;
                }

                Latencies.Add((int)((clock.ElapsedTicks - started) * 1_000_000 / Stopwatch.Frequency));
                if (bad)
                {
                    Malformed++;
                }

                var advance = true;
                if (status is >= 200 and < 300)
                {
                    Ok++;
                }
                else if (status is >= 400 and < 500)
                {
                    if (bad)
                    {
                        Malformed4xx++;
                    }
                    else
                    {
                        Unexpected4xx++;
                    }
                }
                else
                {
                    if (status >= 500)
                    {
                        Status5xx++;
                    }
                    else
                    {
                        Other++;
                    }

                    if (++attempts >= maxAttempts)
                    {
                        GiveUps++;
                    }
                    else
                    {
                        Retries++;
                        advance = false;
                    }
                }

                if (!advance)
                {
                    continue;
                }

                attempts = 0;
                scheduled = null;
                Cursor++;
                line = await reader.ReadLineAsync();
                if (line is null && wrap)
                {
                    reader.BaseStream.Position = 0;
                    reader.DiscardBufferedData();
                    line = await reader.ReadLineAsync();
                }
            }

            Exhausted = line is null;
        }
    }
}
