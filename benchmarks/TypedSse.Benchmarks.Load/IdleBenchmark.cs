using System.Diagnostics;

namespace TypedSse.Benchmarks.Load;

/// <summary>Memory of many idle connections with keep-alive pings on, beyond the same server with none.</summary>
internal sealed record IdleResult(
    string Server,
    int Connections,
    long EmptyHeapBytes,
    long HeapBytes,
    long EmptyRssBytes,
    long RssBytes,
    int SubscribersPinged,
    double PingSeconds,
    double KeepAliveSeconds,
    double CpuPercent,
    int Closures)
{
    public double HeapPerConnection => (HeapBytes - EmptyHeapBytes) / (double)Connections;

    public double RssPerConnection => (RssBytes - EmptyRssBytes) / (double)Connections;
}

internal sealed class IdleBenchmark(BenchmarkSettings settings)
{
    public async Task<IdleResult> RunAsync(ServerKind kind, int connections)
    {
        await using var server = await ServerProcess.StartAsync(kind, settings.NextPort(), settings.IdleKeepAlive.TotalSeconds, settings.ServerCpus);

        // Warm the paths up with one connection and one event, so the baseline is a server that has served, not a cold one.
        using (var warm = await SubscriberPool.ConnectAsync(server.EndPoint, server.Kind.Path, 1, 4096, TimeSpan.FromSeconds(30)))
        {
            long seq = await server.PublishAsync(1);
            await warm.WaitForAsync(seq, TimeSpan.FromSeconds(5));
            warm.BeginClosing();
        }
        await WaitForSubscribersAsync(server, 0);
        var empty = await server.StatsAsync(collectGarbage: true);
        await Task.Delay(200);
        long emptyRss = server.Rss();

        using var pool = await SubscriberPool.ConnectAsync(server.EndPoint, server.Kind.Path, connections, 2048, TimeSpan.FromSeconds(120));
        await WaitForSubscribersAsync(server, connections);
        var bytesAtOpen = pool.Subscribers.Select(s => Volatile.Read(ref s.Bytes)).ToArray();
        var held = TimeSpan.FromTicks((long)(settings.IdleKeepAlive.Ticks * 2.5));
        var cpuBefore = server.CpuTime();
        await Task.Delay(held);
        double cpuPercent = (server.CpuTime() - cpuBefore).TotalMilliseconds / held.TotalMilliseconds * 100;
        int pinged = pool.Subscribers.Where((s, i) => Volatile.Read(ref s.Bytes) > bytesAtOpen[i]).Count();
        var full = await server.StatsAsync(collectGarbage: true);
        await Task.Delay(200);
        long rss = server.Rss();
        pool.BeginClosing();
        return new IdleResult(kind.Title, connections, empty.ManagedHeapBytes, full.ManagedHeapBytes, emptyRss, rss, pinged,
            held.TotalSeconds, settings.IdleKeepAlive.TotalSeconds, cpuPercent, pool.UnexpectedClosures);
    }

    private static async Task WaitForSubscribersAsync(ServerProcess server, int count)
    {
        var wait = Stopwatch.StartNew();
        while ((await server.StatsAsync()).Subscribers != count)
        {
            if (wait.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{server.Kind.Id} did not report {count} subscribers.");
            }
            await Task.Delay(50);
        }
    }
}
