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
var allRuns = new List<FanOutResult>();
var fanOutTime = Stopwatch.StartNew();
int runsPlanned = settings.Sizes.Count * settings.Servers.Count * 2 * settings.Rounds;
int runsDone = 0;

// Each measurement is taken in rounds, all servers in turn, and the best round counts: the highest rate in the closed
// loop, the lowest p99 when paced. A shared machine only ever makes a measurement worse, and taking turns keeps one
// busy moment from landing on one server twice. A round that would not fit in the time budget is skipped.
foreach (int size in settings.Sizes)
{
    double rate;
    if (settings.PacedRate is { } fixedRate)
    {
        rate = fixedRate;
    }
    else
    {
        var closedLoop = await RoundsAsync(server => fanOut.RunClosedLoopAsync(server, size), r => r.DeliveredPerSecond);
        results.AddRange(closedLoop);
        rate = settings.PacedFraction * closedLoop.Where(r => !r.Stalled).Min(r => r.PublishedPerSecond);
    }
    results.AddRange(await RoundsAsync(server => fanOut.RunPacedAsync(server, size, rate), r => -r.Latency.P99));
}
await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "fanout.json"), JsonSerializer.Serialize(results, LoadJsonContext.Default.ListFanOutResult));
await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "fanout-all-rounds.json"), JsonSerializer.Serialize(allRuns, LoadJsonContext.Default.ListFanOutResult));

var idle = new List<IdleResult>();
if (settings.IdleConnections > 0)
{
    var idleBenchmark = new IdleBenchmark(settings);
    foreach (var server in settings.Servers)
    {
        var result = await idleBenchmark.RunAsync(server, settings.IdleConnections);
        Console.Error.WriteLine($"{total.Elapsed:mm\\:ss} idle {result.Server}: heap/conn {result.HeapPerConnection:F0} B, rss/conn {result.RssPerConnection:F0} B, pinged {result.SubscribersPinged}, server CPU while held {result.CpuPercent:F1}%");
        idle.Add(result);
    }
}
await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "idle.json"), JsonSerializer.Serialize(idle, LoadJsonContext.Default.ListIdleResult));
Console.Error.WriteLine($"Load benchmarks done in {total.Elapsed:mm\\:ss}.");

async Task<List<FanOutResult>> RoundsAsync(Func<ServerKind, Task<FanOutResult>> run, Func<FanOutResult, double> score)
{
    var best = new FanOutResult?[settings.Servers.Count];
    int rounds = 0;
    for (int round = 0; round < settings.Rounds; round++)
    {
        var mean = runsDone == 0 ? TimeSpan.Zero : fanOutTime.Elapsed / runsDone;
        int left = runsPlanned - runsDone;
        if (round > 0 && fanOutTime.Elapsed + (mean * left) > settings.FanOutBudget)
        {
            Console.Error.WriteLine("      (next round skipped to stay within the time budget)");
            runsPlanned -= settings.Servers.Count * (settings.Rounds - round);
            break;
        }
        rounds++;
        for (int i = 0; i < settings.Servers.Count; i++)
        {
            var result = await run(settings.Servers[i]);
            runsDone++;
            allRuns.Add(result);
            Log(result);
            if (best[i] is null || score(result) > score(best[i]!))
            {
                best[i] = result;
            }
        }
    }
    return [.. best.Select(r => r! with { Rounds = rounds })];
}

void Log(FanOutResult r) => Console.Error.WriteLine(
    $"{total.Elapsed:mm\\:ss} {r.Phase,-5} N={r.Subscribers,-5} {r.Server,-45} {r.DeliveredPerSecond,12:N0} ev/s  pub {r.PublishedPerSecond,8:N0}/s  cpu {r.CpuMsPer1000Events,6:F2} ms/1k  srv {r.ServerCpuPercent,4:F0}%  load {r.LoadCpuPercent,4:F0}%  other {r.OtherCpuPercent,4:F0}%  " +
    $"p50 {r.Latency.P50 / 1000,7:F2} p99 {r.Latency.P99 / 1000,7:F2} ms  rss {r.RssBytes / 1048576.0,6:F0} MiB  gaps {r.Gaps} behind {r.SubscribersBehind} closed {r.Closures} dropped {r.ServerDroppedEvents} disc {r.ServerDisconnects}{(r.Stalled ? " STALLED" : "")}");
