using System.Diagnostics;
using System.Globalization;
using Analytics.Bench.Activation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;

// What a grain activation cycle costs in bare Orleans here, next to a call to a live grain:
//   dotnet Analytics.Bench.Activation.dll [--seconds 15] [--rounds 3] [--dashboard]
// 256 concurrent callers in one silo process (no storage, no HTTP). Modes, alternated per round:
//   live:    each call goes to one of 4,096 grains that stay activated;
//   churn:   six calls to a new grain, which deactivates after the sixth (a device's session);
//   bucket:  churn, and each activation loads from and hands back to one of 16 reentrant
//            bucket grains, as DeviceGrain does with DeviceBucketGrain;
//   spread:  bucket with 20 sessions under way per caller (about 5,000 active devices).
// It prints calls/s and CPU per call, and the CPU an activation cycle adds per session.
var seconds = Arg("--seconds", 15);
var rounds = Arg("--rounds", 3);
var dashboard = args.Contains("--dashboard");

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    if (dashboard)
    {
        silo.AddDashboard(o => o.HideTrace = true);
    }
});
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

var modes = new[] { "live", "churn", "bucket", "spread" };
var cpu = modes.ToDictionary(m => m, _ => new List<double>());
long nextKey = 0;

// One untimed pass first: the JIT and the 4,096 live grains' first activations would
// otherwise land in round 1.
foreach (var mode in modes)
{
    await MeasureAsync(mode, TimeSpan.FromSeconds(2));
}

for (var round = 0; round < rounds; round++)
{
    foreach (var mode in modes)
    {
        var (rate, perCall) = await MeasureAsync(mode, TimeSpan.FromSeconds(seconds));
        cpu[mode].Add(perCall);
        Console.WriteLine(FormattableString.Invariant($"round {round + 1} {mode,-6}: {rate,9:N0} calls/s, {perCall,5:F1} µs CPU per call"));
    }
}

double Median(string mode) => cpu[mode].Order().ElementAt(cpu[mode].Count / 2);
Console.WriteLine(FormattableString.Invariant($"median CPU per call: live {Median("live"):F1} µs, churn {Median("churn"):F1} µs, bucket {Median("bucket"):F1} µs, spread {Median("spread"):F1} µs{(dashboard ? " (Orleans dashboard on)" : "")}"));
Console.WriteLine(FormattableString.Invariant($"activation cycle per six-call session: {6 * (Median("churn") - Median("live")):F0} µs bare, {6 * (Median("bucket") - Median("live")):F0} µs with the bucket load and hand-back, {6 * (Median("spread") - Median("live")):F0} µs with 5,000 sessions under way"));
await host.StopAsync();

async Task<(double Rate, double CpuPerCall)> MeasureAsync(string mode, TimeSpan duration)
{
    long calls = 0;
    var stop = false;
    async Task CallerAsync(int caller)
    {
        var random = new Random(caller);
        while (!Volatile.Read(ref stop))
        {
            if (mode == "live")
            {
                await grains.GetGrain<ILiveGrain>(random.Next(4096)).CallAsync(0);
                Interlocked.Increment(ref calls);
                continue;
            }

            if (mode == "spread")
            {
                // Like bucket, but each caller keeps 20 sessions going at once and calls them in
                // turn, so about 5,000 devices are active, as in the load benchmark.
                var sessions = new (IDeviceLike Device, int Calls)[20];
                for (var s = 0; s < sessions.Length; s++)
                {
                    sessions[s] = (grains.GetGrain<IBucketedGrain>(Interlocked.Increment(ref nextKey).ToString(CultureInfo.InvariantCulture)), 0);
                }

                for (var turn = 0; !Volatile.Read(ref stop); turn = (turn + 1) % sessions.Length)
                {
                    var (d, n) = sessions[turn];
                    await d.CallAsync(n);
                    Interlocked.Increment(ref calls);
                    sessions[turn] = n == 5
                        ? (grains.GetGrain<IBucketedGrain>(Interlocked.Increment(ref nextKey).ToString(CultureInfo.InvariantCulture)), 0)
                        : (d, n + 1);
                }

                continue;
            }

            var key = Interlocked.Increment(ref nextKey).ToString(CultureInfo.InvariantCulture);
            IDeviceLike device = mode == "churn" ? grains.GetGrain<IChurnGrain>(key) : grains.GetGrain<IBucketedGrain>(key);
            for (var i = 0; i < 6; i++)
            {
                await device.CallAsync(i);
                Interlocked.Increment(ref calls);
            }
        }
    }

    var callers = Enumerable.Range(0, 256).Select(i => Task.Run(() => CallerAsync(i))).ToArray();
    await Task.Delay(TimeSpan.FromSeconds(3));
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var calls0 = Interlocked.Read(ref calls);
    var clock = Stopwatch.StartNew();
    await Task.Delay(duration);
    process.Refresh();
    var done = Interlocked.Read(ref calls) - calls0;
    var used = process.TotalProcessorTime - cpu0;
    var elapsed = clock.Elapsed;
    Volatile.Write(ref stop, true);
    await Task.WhenAll(callers);
    await Task.Delay(TimeSpan.FromSeconds(1));
    return (done / elapsed.TotalSeconds, used.TotalMilliseconds * 1000 / done);
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
