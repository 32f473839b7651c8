using System.Diagnostics;
using System.Globalization;
using Analytics.Bench.Activation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Orleans.Configuration;
using Orleans.Dashboard;

// What a grain activation cycle costs in bare Orleans here, next to a call to a live grain:
//   dotnet Analytics.Bench.Activation.dll [--seconds 15] [--rounds 3] [--modes live,churn,bucket,spread] [--features all|a,b,...]
// 256 concurrent callers in one silo process (no storage, no HTTP). Modes, alternated per round:
//   live:    each call goes to one of 4,096 grains that stay activated;
//   churn:   six calls to a new grain, which deactivates after the sixth (a device's session);
//   bucket:  churn, and each activation loads from and hands back to one of 16 reentrant
//            bucket grains, as DeviceGrain does with DeviceBucketGrain;
//   spread:  bucket with 20 sessions under way per caller (about 5,000 active devices);
//   durable: spread, and every call waits for a shared 30 ms group commit before answering,
//            as DeviceGrain waits for its journal record (not in the default --modes).
// It prints calls/s and CPU per call, and the CPU an activation cycle adds per session.
var seconds = Arg("--seconds", 15);
var rounds = Arg("--rounds", 3);

// --features a,b,...: the silo's settings of the real server, one by one ("all" for every one):
//   dashboard  the Orleans dashboard (grains are [NoProfiling], as the project's hot grains);
//   shedding   GrainCollectionOptions.EnableActivationSheddingOnMemoryPressure;
//   age        a 2-minute collection age for the device-like grains, as [CollectionAgeLimit];
//   quantum    a 30 s collection quantum;
//   dircache   a grain-directory cache of 16,384 addresses;
//   filter     an incoming call filter counting calls by grain type, as GrainCallCounter;
//   otel       an OpenTelemetry meter provider reading Orleans' instruments every second.
var all = new[] { "dashboard", "shedding", "age", "quantum", "dircache", "filter", "otel" };
var features = ArgText("--features", args.Contains("--dashboard") ? "dashboard" : "") is var f && f == "all"
    ? [.. all]
    : f.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
if (features.Except(all).FirstOrDefault() is { } unknown)
{
    Console.Error.WriteLine($"unknown feature {unknown}; known: {string.Join(", ", all)}, all");
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    if (features.Contains("dashboard"))
    {
        silo.AddDashboard(o => o.HideTrace = true);
    }

    silo.Configure<GrainCollectionOptions>(o =>
    {
        o.EnableActivationSheddingOnMemoryPressure = features.Contains("shedding");
        if (features.Contains("quantum"))
        {
            o.CollectionQuantum = TimeSpan.FromSeconds(30);
        }

        if (features.Contains("age"))
        {
            foreach (var type in new[] { typeof(ChurnGrain), typeof(BucketedGrain), typeof(DurableGrain) })
            {
                o.ClassSpecificCollectionAge[type.FullName!] = TimeSpan.FromMinutes(2);
            }
        }
    });
    if (features.Contains("dircache"))
    {
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 16_384);
    }

    if (features.Contains("filter"))
    {
        silo.AddIncomingGrainCallFilter<CallCounter>();
    }
});
if (features.Contains("otel"))
{
    builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter("Microsoft.Orleans", CallCounter.MeterName)
        .AddReader(new PeriodicExportingMetricReader(new DiscardingExporter(), 1000, 1000)));
}

using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

var modes = ArgText("--modes", "live,churn,bucket,spread").Split(',', StringSplitOptions.RemoveEmptyEntries);
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
Console.WriteLine(FormattableString.Invariant($"median CPU per call: {string.Join(", ", modes.Select(m => $"{m} {Median(m):F1} µs"))}; features: {(features.Count == 0 ? "none" : string.Join(",", features.Order()))}"));
if (modes.Contains("live"))
{
    var labels = new Dictionary<string, string> { ["churn"] = "bare", ["bucket"] = "with the bucket load and hand-back", ["spread"] = "with 5,000 sessions under way", ["durable"] = "with 5,000 sessions under way and a 30 ms group commit" };
    var cycles = modes.Where(labels.ContainsKey).Select(m => FormattableString.Invariant($"{6 * (Median(m) - Median("live")):F0} µs {labels[m]}"));
    Console.WriteLine($"activation cycle per six-call session: {string.Join(", ", cycles)}");
}

await host.StopAsync();
return 0;

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

            if (mode is "spread" or "durable")
            {
                // Like bucket, but each caller keeps 20 sessions going at once and calls them in
                // turn, so about 5,000 devices are active, as in the load benchmark.
                var sessions = new (IDeviceLike Device, int Calls)[20];
                for (var s = 0; s < sessions.Length; s++)
                {
                    sessions[s] = (NewSession(), 0);
                }

                for (var turn = 0; !Volatile.Read(ref stop); turn = (turn + 1) % sessions.Length)
                {
                    var (d, n) = sessions[turn];
                    await d.CallAsync(n);
                    Interlocked.Increment(ref calls);
                    sessions[turn] = n == 5
                        ? (NewSession(), 0)
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

    IDeviceLike NewSession()
    {
        var key = Interlocked.Increment(ref nextKey).ToString(CultureInfo.InvariantCulture);
        return mode == "durable" ? grains.GetGrain<IDurableGrain>(key) : grains.GetGrain<IBucketedGrain>(key);
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

int Arg(string name, int fallback) => int.Parse(ArgText(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

string ArgText(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
