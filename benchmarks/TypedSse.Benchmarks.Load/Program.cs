using System.Diagnostics;
using System.Text.Json;
using TypedSse.Benchmarks.Load;

// Runs the fan-out and idle-connection benchmarks against every server, one server process at a time, and writes
// fanout.json and idle.json into --out; `report <dir>` then writes benchmarks.md from everything in <dir>. See docs/benchmarks.md for the method.
if (args is ["report", string resultsDirectory, ..])
{
    string written = Report.Assemble(Path.GetFullPath(resultsDirectory));
    Console.Error.WriteLine($"Wrote {written}.");
    return;
}

var settings = BenchmarkSettings.Parse(args);
Directory.CreateDirectory(settings.OutputDirectory);
var total = Stopwatch.StartNew();
var fanOut = new FanOutBenchmark(settings);
var results = new List<FanOutResult>();
// Retries stay within the time budget: the runs still to come are estimated from the mean duration so far.
int runsLeft = settings.Sizes.Count * settings.Servers.Count * 2;
var fanOutTime = Stopwatch.StartNew();
int runsDone = 0;

foreach (int size in settings.Sizes)
{
    var closedLoop = new List<FanOutResult>();
    foreach (var server in settings.Servers)
    {
        var result = await Retried(() => fanOut.RunClosedLoopAsync(server, size));
        closedLoop.Add(result);
    }
    results.AddRange(closedLoop);

    double rate = settings.PacedFraction * closedLoop.Where(r => !r.Stalled).Min(r => r.PublishedPerSecond);
    foreach (var server in settings.Servers)
    {
        var result = await Retried(() => fanOut.RunPacedAsync(server, size, rate));
        results.Add(result);
    }
}
await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "fanout.json"), JsonSerializer.Serialize(results, LoadJsonContext.Default.ListFanOutResult));

var idle = new List<IdleResult>();
if (settings.IdleConnections > 0)
{
    var idleBenchmark = new IdleBenchmark(settings);
    foreach (var server in settings.Servers)
    {
        var result = await idleBenchmark.RunAsync(server, settings.IdleConnections);
        Console.Error.WriteLine($"{total.Elapsed:mm\\:ss} idle {result.Server}: heap/conn {result.HeapPerConnection:F0} B, rss/conn {result.RssPerConnection:F0} B, pinged {result.SubscribersPinged}");
        idle.Add(result);
    }
}
await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "idle.json"), JsonSerializer.Serialize(idle, LoadJsonContext.Default.ListIdleResult));
Console.Error.WriteLine($"Load benchmarks done in {total.Elapsed:mm\\:ss}.");

// The machine may be shared: when other processes took more than a third of a core during the measurement, measure
// once more and keep the quieter of the two.
async Task<FanOutResult> Retried(Func<Task<FanOutResult>> run)
{
    var result = await run();
    Log(result);
    runsDone++;
    runsLeft--;
    var mean = fanOutTime.Elapsed / runsDone;
    if (result.OtherCpuPercent > settings.NoisyOtherCpuPercent && fanOutTime.Elapsed + (mean * (runsLeft + 1)) < settings.FanOutBudget)
    {
        runsDone++;
        var again = await run();
        Log(again);
        result = again.OtherCpuPercent < result.OtherCpuPercent ? again : result;
    }
    return result;
}

void Log(FanOutResult r) => Console.Error.WriteLine(
    $"{total.Elapsed:mm\\:ss} {r.Phase,-5} N={r.Subscribers,-5} {r.Server,-45} {r.DeliveredPerSecond,12:N0} ev/s  pub {r.PublishedPerSecond,8:N0}/s  cpu {r.CpuMsPer1000Events,6:F2} ms/1k  srv {r.ServerCpuPercent,4:F0}%  load {r.LoadCpuPercent,4:F0}%  other {r.OtherCpuPercent,4:F0}%  " +
    $"p50 {r.Latency.P50 / 1000,7:F2} p99 {r.Latency.P99 / 1000,7:F2} ms  rss {r.RssBytes / 1048576.0,6:F0} MiB  gaps {r.Gaps} behind {r.SubscribersBehind} closed {r.Closures} dropped {r.ServerDroppedEvents} disc {r.ServerDisconnects}{(r.Stalled ? " STALLED" : "")}");
