using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Micro-benchmarks of the /i hot path's pure code (see bench/README.md):
//   dotnet run -c Release --project bench/Micro -- --filter '*'
//   dotnet run -c Release --project bench/Micro -- --filter '*Parsing*' --job short
// BenchmarkDotNet looks for this project from the working directory, so it starts from the
// repository root whatever the caller's directory; results go to bench/results/micro/.
var root = AppContext.BaseDirectory;
while (root is not null && !File.Exists(Path.Combine(root, "Analytics.sln")))
{
    root = Path.GetDirectoryName(root);
}

var config = DefaultConfig.Instance;
if (root is not null)
{
    Directory.SetCurrentDirectory(root);
    config = config.WithArtifactsPath(Path.Combine(root, "bench", "results", "micro"));
}

BenchmarkSwitcher.FromAssembly(typeof(Analytics.Bench.Micro.ParsingBenchmarks).Assembly).Run(args, config);
