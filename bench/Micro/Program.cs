using BenchmarkDotNet.Running;

// Micro-benchmarks of the /i hot path's pure code (see bench/README.md):
//   dotnet run -c Release --project bench/Micro -- --filter '*'
//   dotnet run -c Release --project bench/Micro -- --filter '*Parsing*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Analytics.Bench.Micro.ParsingBenchmarks).Assembly).Run(args);
