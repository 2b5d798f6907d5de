using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TypedSse.Benchmarks.Load;

/// <summary>
/// Writes benchmarks.md from what the steps of run.sh left in the results folder: machine.md, fanout.json,
/// idle.json, BenchmarkDotNet's reports under bdn/results, and parser.md/parser.json (or parser-skipped.txt).
/// </summary>
internal static class Report
{
    public static string Assemble(string directory)
    {
        var fanOut = Read(directory, "fanout.json", LoadJsonContext.Default.ListFanOutResult);
        var allRounds = Read(directory, "fanout-all-rounds.json", LoadJsonContext.Default.ListFanOutResult);
        var idle = Read(directory, "idle.json", LoadJsonContext.Default.ListIdleResult);
        var targets = new List<(string Target, string Result, bool? Met)>();
        var md = new StringBuilder();

        md.AppendLine("# TypedSse benchmark results");
        md.AppendLine();
        AppendFile(md, Path.Combine(directory, "machine.md"));
        md.AppendLine();

        md.AppendLine("## 1. Fan-out");
        md.AppendLine();
        if (fanOut.Count > 0)
        {
            WriteFanOut(md, fanOut, allRounds, targets);
        }
        else
        {
            md.AppendLine("Not run.");
        }

        md.AppendLine();
        md.AppendLine("## 2. Idle connections");
        md.AppendLine();
        if (idle.Count > 0)
        {
            WriteIdle(md, idle);
        }
        else
        {
            md.AppendLine("Not run.");
        }

        md.AppendLine();
        md.AppendLine("## 3. Micro-benchmarks (BenchmarkDotNet, ShortRun, in process)");
        md.AppendLine();
        WriteMicro(md, Path.Combine(directory, "bdn", "results"), targets);

        md.AppendLine();
        md.AppendLine("## 4. Client parser (Node)");
        md.AppendLine();
        WriteParser(md, directory, targets);

        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| Target | This run | Met |");
        md.AppendLine("|---|---|---|");
        foreach (var (target, result, met) in targets)
        {
            md.AppendLine($"| {target} | {result} | {(met is null ? "not measured" : met.Value ? "yes" : "**no**")} |");
        }

        string path = Path.Combine(directory, "benchmarks.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }

    private static void WriteFanOut(StringBuilder md, List<FanOutResult> results, List<FanOutResult> allRounds, List<(string, string, bool?)> targets)
    {
        md.AppendLine("Delivered events/s is the highest rate each server sustains in the closed loop, counted at the subscribers. Latency is measured " +
            "separately, with every server publishing at the same steady rate: a fifth of the slowest server's maximum at that N. Each number is the best of " +
            Invariant($"{results.Max(r => r.Rounds)} rounds taken in turns (see docs/benchmarks.md); Losses count every round."));
        md.AppendLine();
        md.AppendLine("| Subscribers | Server | Delivered events/s | × raw | × hand-written | Server CPU ms per 1,000 events | Server RSS MiB | Latency at (events/s published) | p50 ms | p99 ms | Losses |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var sizes = results.Select(r => r.Subscribers).Distinct().Order().ToList();
        foreach (int size in sizes)
        {
            var max = results.Where(r => r.Subscribers == size && r.Phase == "max").ToList();
            var raw = max.FirstOrDefault(r => r.Server.StartsWith("Raw", StringComparison.Ordinal));
            var hand = max.FirstOrDefault(r => r.Server.StartsWith("Hand", StringComparison.Ordinal));
            foreach (var r in max)
            {
                var paced = Paced(results, r);
                var rounds = allRounds.Where(a => a.Subscribers == size && a.Server == r.Server).DefaultIfEmpty(r);
                md.AppendLine(Invariant($"| {size:N0} | {r.Server} | {r.DeliveredPerSecond:N0} | {Ratio(r, raw)} | {Ratio(r, hand)} | {r.CpuMsPer1000Events:F2} | {r.RssBytes / 1048576.0:F0} | {paced?.PublishedPerSecond:N0} | {paced?.Latency.P50 / 1000:F2} | {paced?.Latency.P99 / 1000:F2} | {Losses(rounds)} |"));
            }
        }

        md.AppendLine();
        md.AppendLine("<details><summary>Every round of both phases: latency under maximum load, p99.9, CPU of the server, the load generator and the rest of the machine</summary>");
        md.AppendLine();
        md.AppendLine("| Subscribers | Server | Phase | Counted | Published events/s | Delivered events/s | p50 ms | p99 ms | p99.9 ms | max ms | Server CPU % | Load generator CPU % | Other processes CPU % |");
        md.AppendLine("|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in allRounds.Count > 0 ? allRounds : results)
        {
            bool counted = results.Any(b => b.Subscribers == r.Subscribers && b.Server == r.Server && b.Phase == r.Phase && b.DeliveredPerSecond == r.DeliveredPerSecond && b.Latency == r.Latency);
            md.AppendLine(Invariant($"| {r.Subscribers:N0} | {r.Server} | {r.Phase} | {(counted ? "yes" : "")} | {r.PublishedPerSecond:N0} | {r.DeliveredPerSecond:N0} | {r.Latency.P50 / 1000:F2} | {r.Latency.P99 / 1000:F2} | {r.Latency.P999 / 1000:F2} | {r.Latency.Max / 1000:F2} | {r.ServerCpuPercent:F0} | {r.LoadCpuPercent:F0} | {r.OtherCpuPercent:F0} |"));
        }
        md.AppendLine();
        md.AppendLine("</details>");

        var typedSse = results.Where(r => r.Server == "TypedSse" && r.Phase == "max").ToList();
        int targetSize = sizes.Contains(1000) ? 1000 : sizes.Last();
        var at = typedSse.FirstOrDefault(r => r.Subscribers == targetSize);
        var rawAt = results.FirstOrDefault(r => r.Subscribers == targetSize && r.Phase == "max" && r.Server.StartsWith("Raw", StringComparison.Ordinal));
        var handAt = results.FirstOrDefault(r => r.Subscribers == targetSize && r.Phase == "max" && r.Server.StartsWith("Hand", StringComparison.Ordinal));
        if (at is not null && rawAt is not null)
        {
            double ratio = at.DeliveredPerSecond / rawAt.DeliveredPerSecond;
            targets.Add((Invariant($"Delivered events/s at {targetSize:N0} subscribers ≥ 0.8 × raw Kestrel"), Invariant($"{ratio:F2} × ({at.DeliveredPerSecond:N0} vs {rawAt.DeliveredPerSecond:N0})"), ratio >= 0.8));
        }
        if (at is not null && handAt is not null)
        {
            double ratio = at.DeliveredPerSecond / handAt.DeliveredPerSecond;
            targets.Add((Invariant($"Delivered events/s at {targetSize:N0} subscribers ≥ 2 × hand-written"), Invariant($"{ratio:F2} × ({at.DeliveredPerSecond:N0} vs {handAt.DeliveredPerSecond:N0})"), ratio >= 2));
        }
        foreach (var r in typedSse)
        {
            var ours = Paced(results, r);
            var theirs = results.FirstOrDefault(p => p.Subscribers == r.Subscribers && p.Phase == "paced" && p.Server.StartsWith("Hand", StringComparison.Ordinal));
            if (ours is not null && theirs is not null)
            {
                targets.Add((Invariant($"p99 latency at {r.Subscribers:N0} subscribers ≤ hand-written's"),
                    Invariant($"{ours.Latency.P99 / 1000:F2} ms vs {theirs.Latency.P99 / 1000:F2} ms"), ours.Latency.P99 <= theirs.Latency.P99));
            }
        }
        long losses = (allRounds.Count > 0 ? allRounds : results).Where(r => r.Server == "TypedSse")
            .Sum(r => r.Gaps + r.SubscribersBehind + r.Closures + r.ServerDroppedEvents + r.ServerDisconnects + (r.Stalled ? 1 : 0));
        targets.Add(("TypedSse drops no event and disconnects no subscriber during the fan-out runs", losses == 0 ? "none" : Invariant($"{losses} (see Losses)"), losses == 0));
    }

    private static void WriteIdle(StringBuilder md, List<IdleResult> idle)
    {
        md.AppendLine(Invariant($"{idle[0].Connections:N0} connections held for {idle[0].PingSeconds:F0} s with a keep-alive interval of {idle[0].KeepAliveSeconds:F0} s."));
        md.AppendLine("Per connection is (full − empty) / connections, where empty is the same server after one connection came and went, " +
            "both read after a full garbage collection. The managed heap is GC.GetTotalMemory for .NET, V8's heapUsed for Node.");
        md.AppendLine();
        md.AppendLine("| Server | Managed heap per connection | RSS per connection | Managed heap MiB, empty → full | RSS MiB, empty → full | Connections that got a ping | Server CPU while held |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in idle)
        {
            md.AppendLine(Invariant($"| {r.Server} | {r.HeapPerConnection / 1024:F1} KiB | {r.RssPerConnection / 1024:F1} KiB | {r.EmptyHeapBytes / 1048576.0:F1} → {r.HeapBytes / 1048576.0:F1} | {r.EmptyRssBytes / 1048576.0:F0} → {r.RssBytes / 1048576.0:F0} | {r.SubscribersPinged:N0}{(r.Closures > 0 ? $" ({r.Closures} closed)" : "")} | {r.CpuPercent:F1} % |"));
        }
        if (idle.FirstOrDefault(r => r.Server == "TypedSse") is { } single && idle.FirstOrDefault(r => r.Server == BenchmarkSettings.MultiplexedTitle) is { } multiplexed)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"A client of three streams: one multiplexed connection holds {multiplexed.HeapPerConnection / 1024:F1} KiB of managed heap and {multiplexed.RssPerConnection / 1024:F1} KiB of RSS; three single-stream connections hold {3 * single.HeapPerConnection / 1024:F1} KiB and {3 * single.RssPerConnection / 1024:F1} KiB ({multiplexed.HeapPerConnection / (3 * single.HeapPerConnection):F2}× the heap), and take three of the browser's six HTTP/1.1 connections instead of one."));
        }
    }

    private static void WriteMicro(StringBuilder md, string directory, List<(string, string, bool?)> targets)
    {
        var reports = Directory.Exists(directory) ? Directory.GetFiles(directory, "*-report-github.md").Order().ToList() : [];
        if (reports.Count == 0)
        {
            md.AppendLine("Not run.");
            targets.Add(("Allocation per extra subscriber is zero", "not measured", null));
            return;
        }
        foreach (var report in reports)
        {
            // Keep the table; the environment block above it is the same for every report and is in machine.md.
            var lines = File.ReadAllLines(report);
            md.AppendLine($"`{Path.GetFileName(report).Replace("TypedSse.Benchmarks.Micro.", "", StringComparison.Ordinal).Replace("-report-github.md", "", StringComparison.Ordinal)}`");
            md.AppendLine();
            foreach (var line in lines.SkipWhile(l => !l.StartsWith('|')))
            {
                md.AppendLine(line.Replace("**", "", StringComparison.Ordinal));
            }
            md.AppendLine();
        }

        var publish = Directory.GetFiles(directory, "*PublishBenchmarks-report-full.json").FirstOrDefault();
        if (publish is null)
        {
            targets.Add(("Allocation per extra subscriber is zero", "not measured", null));
            return;
        }
        using var json = JsonDocument.Parse(File.ReadAllText(publish));
        var allocated = new SortedDictionary<int, double>();
        foreach (var benchmark in json.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            string parameters = benchmark.GetProperty("Parameters").GetString() ?? "";
            int subscribers = int.Parse(parameters.Split('=')[1], CultureInfo.InvariantCulture);
            allocated[subscribers] = benchmark.GetProperty("Memory").GetProperty("BytesAllocatedPerOperation").GetDouble();
        }
        int most = allocated.Keys.Max();
        double perSubscriber = (allocated[most] - allocated[0]) / most;
        string all = string.Join(", ", allocated.Select(a => Invariant($"{a.Key:N0}: {a.Value:F0} B")));
        // Less than one byte per subscriber per event: no allocation is made per recipient (the smallest object is 24 B);
        // what is left is amortized noise from the thread pool, see docs/benchmarks.md.
        targets.Add(("Allocation per extra subscriber is zero", Invariant($"{perSubscriber:F3} B per subscriber per event (per event by subscribers: {all})"), perSubscriber < 1));
    }

    private static void WriteParser(StringBuilder md, string directory, List<(string, string, bool?)> targets)
    {
        string skipped = Path.Combine(directory, "parser-skipped.txt");
        string table = Path.Combine(directory, "parser.md");
        if (File.Exists(skipped) || !File.Exists(table))
        {
            string reason = File.Exists(skipped) ? File.ReadAllText(skipped).Trim() : "Not run.";
            md.AppendLine(reason);
            targets.Add(("TypeScript parser throughput ≥ 1 × eventsource-parser", reason, null));
            return;
        }
        AppendFile(md, table);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "parser.json")));
        foreach (var input in json.RootElement.EnumerateArray())
        {
            double ratio = input.GetProperty("ratio").GetDouble();
            targets.Add((Invariant($"TypeScript parser ≥ 1 × eventsource-parser: {input.GetProperty("input").GetString()}"), Invariant($"{ratio:F2} ×"), ratio >= 1));
        }
    }

    private static FanOutResult? Paced(List<FanOutResult> results, FanOutResult max) =>
        results.FirstOrDefault(p => p.Subscribers == max.Subscribers && p.Phase == "paced" && p.Server == max.Server);

    private static string Ratio(FanOutResult r, FanOutResult? baseline) =>
        baseline is null ? "–" : Invariant($"{r.DeliveredPerSecond / baseline.DeliveredPerSecond:F2}");

    private static string Losses(IEnumerable<FanOutResult> runs)
    {
        var parts = new List<string>();
        foreach (var r in runs)
        {
            if (r.Gaps > 0) parts.Add(Invariant($"{r.Phase}: {r.Gaps:N0} events missed"));
            if (r.SubscribersBehind > 0) parts.Add(Invariant($"{r.Phase}: {r.SubscribersBehind:N0} subscribers behind at the end"));
            if (r.Closures > 0) parts.Add(Invariant($"{r.Phase}: {r.Closures:N0} connections closed"));
            if (r.ServerDroppedEvents > 0) parts.Add(Invariant($"{r.Phase}: server dropped {r.ServerDroppedEvents:N0} events"));
            if (r.ServerDisconnects > 0) parts.Add(Invariant($"{r.Phase}: server disconnected {r.ServerDisconnects:N0}"));
            if (r.Stalled) parts.Add($"{r.Phase}: stalled");
        }
        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }

    private static List<T> Read<T>(string directory, string name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> type)
    {
        string path = Path.Combine(directory, name);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), type) ?? [] : [];
    }

    private static void AppendFile(StringBuilder md, string path)
    {
        if (File.Exists(path))
        {
            md.AppendLine(File.ReadAllText(path).TrimEnd());
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
