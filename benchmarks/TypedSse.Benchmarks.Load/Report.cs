using System.Globalization;
using System.Text;

namespace TypedSse.Benchmarks.Load;

/// <summary>The markdown tables of the load benchmarks.</summary>
internal static class Report
{
    public static string Write(BenchmarkSettings settings, IReadOnlyList<FanOutResult> results, IReadOnlyList<IdleResult> idle)
    {
        var md = new StringBuilder();
        md.AppendLine("### Fan-out");
        md.AppendLine();
        md.AppendLine("| Subscribers | Server | Delivered events/s (max) | × raw | × hand-written | Server CPU ms per 1,000 events | Server RSS MiB | Paced rate (events/s) | p50 ms | p99 ms | p99.9 ms | Losses |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var size in settings.Sizes)
        {
            var max = results.Where(r => r.Subscribers == size && r.Phase == "max").ToList();
            var raw = max.FirstOrDefault(r => r.Server.StartsWith("Raw", StringComparison.Ordinal));
            var hand = max.FirstOrDefault(r => r.Server.StartsWith("Hand", StringComparison.Ordinal));
            foreach (var r in max)
            {
                var paced = results.First(p => p.Subscribers == size && p.Phase == "paced" && p.Server == r.Server);
                md.AppendLine(Invariant(
                    $"| {size:N0} | {r.Server} | {r.DeliveredPerSecond:N0} | {Ratio(r, raw)} | {Ratio(r, hand)} | {r.CpuMsPer1000Events:F2} | {r.RssBytes / 1048576.0:F0} | {paced.PublishedPerSecond:N0} | {paced.Latency.P50 / 1000:F2} | {paced.Latency.P99 / 1000:F2} | {paced.Latency.P999 / 1000:F2} | {Losses(r, paced)} |"));
            }
        }
        md.AppendLine();
        md.AppendLine("Latency at the maximum rate (closed loop, queueing included):");
        md.AppendLine();
        md.AppendLine("| Subscribers | Server | p50 ms | p99 ms | Server CPU % | Load generator CPU % |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|");
        foreach (var r in results.Where(r => r.Phase == "max"))
        {
            md.AppendLine(Invariant($"| {r.Subscribers:N0} | {r.Server} | {r.Latency.P50 / 1000:F2} | {r.Latency.P99 / 1000:F2} | {r.ServerCpuPercent:F0} | {r.LoadCpuPercent:F0} |"));
        }

        if (idle.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"### Idle connections ({idle[0].Connections:N0}, keep-alive every {settings.IdleKeepAlive.TotalSeconds:F0} s)"));
            md.AppendLine();
            md.AppendLine("| Server | Managed heap per connection | RSS per connection | Heap empty → full MiB | RSS empty → full MiB | Connections pinged |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var r in idle)
            {
                md.AppendLine(Invariant(
                    $"| {r.Server} | {Kib(r.HeapPerConnection)} | {Kib(r.RssPerConnection)} | {r.EmptyHeapBytes / 1048576.0:F1} → {r.HeapBytes / 1048576.0:F1} | {r.EmptyRssBytes / 1048576.0:F0} → {r.RssBytes / 1048576.0:F0} | {r.SubscribersPinged:N0}{(r.Closures > 0 ? $" ({r.Closures} closed)" : "")} |"));
            }
        }
        return md.ToString();
    }

    private static string Ratio(FanOutResult r, FanOutResult? baseline) =>
        baseline is null ? "–" : Invariant($"{r.DeliveredPerSecond / baseline.DeliveredPerSecond:F2}");

    private static string Kib(double bytes) => Invariant($"{bytes / 1024:F1} KiB");

    private static string Losses(FanOutResult max, FanOutResult paced)
    {
        var parts = new List<string>();
        foreach (var r in new[] { max, paced })
        {
            if (r.Gaps > 0) parts.Add(Invariant($"{r.Phase}: {r.Gaps} events missed"));
            if (r.SubscribersBehind > 0) parts.Add(Invariant($"{r.Phase}: {r.SubscribersBehind} behind"));
            if (r.Closures > 0) parts.Add(Invariant($"{r.Phase}: {r.Closures} closed"));
            if (r.ServerDroppedEvents > 0) parts.Add(Invariant($"{r.Phase}: {r.ServerDroppedEvents} dropped"));
            if (r.ServerDisconnects > 0) parts.Add(Invariant($"{r.Phase}: {r.ServerDisconnects} disconnected"));
            if (r.Stalled) parts.Add($"{r.Phase}: stalled");
        }
        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
