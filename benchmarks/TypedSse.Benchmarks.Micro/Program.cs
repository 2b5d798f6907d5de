using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TypedSse.Benchmarks.Micro;

if (args is ["--allocations", ..])
{
    await AllocationProfile.RunAsync(subscribers: args.Length > 1 ? int.Parse(args[1]) : 1000, events: 100_000);
    return;
}

// Short runs (3 warm-up and 5 measured iterations of 150 ms) in this process (no generated project to build), with allocations counted for the whole process, so a
// connection's writer running on another thread is counted too. --artifacts sets where the results go.
var config = ManualConfig.CreateEmpty()
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(5).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(150)))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(MarkdownExporter.GitHub, BenchmarkDotNet.Exporters.Json.JsonExporter.Full)
    .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator)
    .WithArtifactsPath(args.Length > 1 && args[0] == "--artifacts" ? args[1] : "BenchmarkDotNet.Artifacts");

BenchmarkRunner.Run([typeof(FramingBenchmarks), typeof(PublishBenchmarks)], config);
