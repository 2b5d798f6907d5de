using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TypedSse.Benchmarks.Generator;

// The generator as an IDE runs it (docs/benchmarks.md, "The generator").
if (args is [var mode and ("--edits" or "--full-runs"), var count])
{
    // Only one kind of run, for a profiler (dotnet-trace collect -- dotnet TypedSse.Benchmarks.Generator.dll --edits 20).
    var benchmarks = new GeneratorBenchmarks();
    benchmarks.Setup();
    for (var i = 0; i < int.Parse(count, System.Globalization.CultureInfo.InvariantCulture); i++)
    {
        benchmarks.NewCompilation();
        _ = mode == "--edits" ? benchmarks.UnrelatedEdit() : benchmarks.FullRun();
    }

    return;
}

if (args is ["--quick", ..])
{
    // A rough figure in seconds rather than minutes, for a quick look while changing the generator: the median of 15.
    var benchmarks = new GeneratorBenchmarks();
    benchmarks.Setup();
    foreach (var (name, run) in new (string, Func<object>)[] { ("full run", benchmarks.FullRun), ("unrelated edit", benchmarks.UnrelatedEdit) })
    {
        // CPU time as well as wall time: on a machine shared with other work, the wall time says more about the others.
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var times = Enumerable.Range(0, 20).Select(_ =>
        {
            benchmarks.NewCompilation();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            run();
            var wall = watch.Elapsed.TotalMilliseconds;
            process.Refresh();
            return (Wall: wall, Cpu: (process.TotalProcessorTime - cpu).TotalMilliseconds);
        }).Skip(5).ToList();
        var walls = times.Select(static t => t.Wall).Order().ToList();
        var cpus = times.Select(static t => t.Cpu).Order().ToList();
        Console.WriteLine($"{name}: median {walls[walls.Count / 2]:F1} ms wall (min {walls[0]:F1}), {cpus[cpus.Count / 2]:F1} ms CPU (min {cpus[0]:F1})");
    }

    Console.WriteLine("edit steps: " + benchmarks.EditSteps());
    return;
}

// In this process (no generated project to build), one run per iteration (each needs its own compilation), after
// warm-up runs so that the JIT is warm, as it is in a long-running IDE. --artifacts sets where the results go.
var config = ManualConfig.CreateEmpty()
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(15).WithInvocationCount(1).WithUnrollFactor(1))
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(MarkdownExporter.GitHub, BenchmarkDotNet.Exporters.Json.JsonExporter.Full)
    .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator)
    .WithArtifactsPath(args.Length > 1 && args[0] == "--artifacts" ? args[1] : "BenchmarkDotNet.Artifacts");

BenchmarkRunner.Run<GeneratorBenchmarks>(config);
