using System.Diagnostics;

namespace TypedSse.Benchmarks.Load;

/// <summary>One server, N subscribers, one phase: as fast as it delivers (closed loop) or at a fixed rate (paced).</summary>
internal sealed record FanOutResult(
    string Server,
    int Subscribers,
    string Phase,
    double PublishedPerSecond,
    double DeliveredPerSecond,
    double CpuMsPer1000Events,
    double ServerCpuPercent,
    double LoadCpuPercent,
    double OtherCpuPercent,
    long RssBytes,
    LatencySummary Latency,
    long Gaps,
    int SubscribersBehind,
    int Closures,
    long ServerDroppedEvents,
    long ServerDisconnects,
    bool Stalled)
{
    /// <summary>How many rounds this was the best of.</summary>
    public int Rounds { get; init; } = 1;
}

internal sealed class FanOutBenchmark(BenchmarkSettings settings)
{
    private static int s_generation;

    public async Task<FanOutResult> RunClosedLoopAsync(ServerKind kind, int subscribers)
    {
        await using var server = await ServerProcess.StartAsync(kind, settings.NextPort(), keepAliveSeconds: 15, settings.ServerCpus);
        using var pool = await ConnectAsync(server, subscribers);
        var before = await server.StatsAsync();

        // Batches of up to 5,000 deliveries keep the per-request cost of the control call small next to the fan-out,
        // and at least four batches fit in the window, so the server always has the next one.
        int batchSize = Math.Clamp(5000 / subscribers, 1, settings.WindowEvents / 4);
        var tracker = new BatchTracker(Interlocked.Increment(ref s_generation), before.LastSeq + 1, batchSize, settings.WindowEvents / batchSize, subscribers);
        pool.Tracker = tracker;
        var latencies = new LatencyHistogram();

        // Up to Window batches are outstanding, and several publish calls may be in flight, so the server always
        // has the next batch waiting (it publishes them one at a time, in order).
        using var calls = new SemaphoreSlim(settings.ConcurrentPublishCalls);
        var inFlight = new List<Task<long>>();
        var callTimes = new List<double>();
        var elapsed = Stopwatch.StartNew();
        Snapshot? start = null;
        bool stalled = false;
        TimeSpan waiting = default, waitingForCalls = default;
        for (long batch = 0; elapsed.Elapsed < settings.Warmup + settings.Measure; batch++)
        {
            if (start is null && elapsed.Elapsed >= settings.Warmup)
            {
                start = Snapshot.Take(server, pool);
                pool.Latencies = latencies;
            }
            long t0 = Stopwatch.GetTimestamp();
            if (batch >= tracker.Window && !await tracker.WaitAsync(batch - tracker.Window, TimeSpan.FromSeconds(10)))
            {
                stalled = true;
                break;
            }
            long t1 = Stopwatch.GetTimestamp();
            await calls.WaitAsync();
            if (start is not null)
            {
                waiting += Stopwatch.GetElapsedTime(t0, t1);
                waitingForCalls += Stopwatch.GetElapsedTime(t1);
            }
            tracker.Reset(batch);
            inFlight.Add(PublishAsync());
        }
        var end = Snapshot.Take(server, pool);
        long lastSeq = (await Task.WhenAll(inFlight)).DefaultIfEmpty(before.LastSeq).Max();
        var after = await server.StatsAsync();
        callTimes.Sort();
        Console.Error.WriteLine($"      calls p50 {callTimes[callTimes.Count / 2]:F2} ms p90 {callTimes[callTimes.Count * 9 / 10]:F2} ms; server publishing {(after.PublishingMicros - before.PublishingMicros) / 1e6:F2} s");
        pool.Latencies = null;
        pool.Tracker = null;
        Console.Error.WriteLine($"      publisher: {inFlight.Count} batches of {batchSize}; waited on the window {waiting.TotalSeconds:F2} s, on calls {waitingForCalls.TotalSeconds:F2} s of {settings.Measure.TotalSeconds:F0} s");
        return await FinishAsync(server, pool, "max", start ?? end, end, latencies, lastSeq, stalled);

        async Task<long> PublishAsync()
        {
            try
            {
                long t = Stopwatch.GetTimestamp();
                long seq = await server.PublishAsync(batchSize);
                lock (callTimes) callTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                return seq;
            }
            finally
            {
                calls.Release();
            }
        }
    }

    public async Task<FanOutResult> RunPacedAsync(ServerKind kind, int subscribers, double eventsPerSecond)
    {
        await using var server = await ServerProcess.StartAsync(kind, settings.NextPort(), keepAliveSeconds: 15, settings.ServerCpus);
        using var pool = await ConnectAsync(server, subscribers);
        var latencies = new LatencyHistogram();

        await server.PaceAsync(eventsPerSecond, (int)(settings.Warmup + settings.PacedMeasure).TotalMilliseconds);
        await Task.Delay(settings.Warmup);
        var start = Snapshot.Take(server, pool);
        pool.Latencies = latencies;
        await Task.Delay(settings.PacedMeasure);
        var end = Snapshot.Take(server, pool);
        pool.Latencies = null;

        ServerStats stats;
        var wait = Stopwatch.StartNew();
        while ((stats = await server.StatsAsync()).Pacing && wait.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }
        return await FinishAsync(server, pool, "paced", start, end, latencies, stats.LastSeq, stalled: stats.Pacing);
    }

    private async Task<SubscriberPool> ConnectAsync(ServerProcess server, int subscribers)
    {
        var pool = await SubscriberPool.ConnectAsync(server.EndPoint, server.Kind.Path, subscribers, settings.ReceiveBufferSize, TimeSpan.FromSeconds(60));
        var wait = Stopwatch.StartNew();
        while ((await server.StatsAsync()).Subscribers != subscribers)
        {
            if (pool.FirstFailure is { } failure)
            {
                throw new InvalidOperationException($"A subscriber of {server.Kind.Id} failed: {failure.Message}", failure);
            }
            if (wait.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"{server.Kind.Id} did not report {subscribers} subscribers.");
            }
            await Task.Delay(20);
        }
        return pool;
    }

    private static async Task<FanOutResult> FinishAsync(ServerProcess server, SubscriberPool pool, string phase, Snapshot start, Snapshot end,
        LatencyHistogram latencies, long lastSeq, bool stalled)
    {
        int behind = await pool.WaitForAsync(lastSeq, TimeSpan.FromSeconds(5));
        var stats = await server.StatsAsync();
        pool.BeginClosing();
        double seconds = (end.Microseconds - start.Microseconds) / 1e6;
        long delivered = end.Received - start.Received;
        double serverCpu = (end.ServerCpu - start.ServerCpu).TotalMilliseconds;
        int n = pool.Subscribers.Count;
        return new FanOutResult(
            server.Kind.Title,
            n,
            phase,
            PublishedPerSecond: delivered / (double)n / seconds,
            DeliveredPerSecond: delivered / seconds,
            CpuMsPer1000Events: delivered == 0 ? double.NaN : serverCpu / (delivered / 1000.0),
            ServerCpuPercent: serverCpu / 10 / seconds,
            LoadCpuPercent: (end.LoadCpu - start.LoadCpu).TotalMilliseconds / 10 / seconds,
            OtherCpuPercent: Math.Max(0, ((end.MachineCpu - start.MachineCpu) - (end.ServerCpu - start.ServerCpu) - (end.LoadCpu - start.LoadCpu)).TotalMilliseconds / 10 / seconds),
            RssBytes: end.Rss,
            latencies.Summarize(),
            pool.Gaps,
            behind,
            pool.UnexpectedClosures,
            stats.DroppedEvents,
            stats.Disconnects,
            stalled);
    }

    private sealed record Snapshot(long Microseconds, long Received, TimeSpan ServerCpu, TimeSpan LoadCpu, TimeSpan MachineCpu, long Rss)
    {
        public static Snapshot Take(ServerProcess server, SubscriberPool pool) => new(
            ServerProcess.MonotonicMicroseconds(),
            pool.ReceivedEvents,
            server.CpuTime(),
            Process.GetCurrentProcess().TotalProcessorTime,
            MachineBusyTime(),
            server.Rss());

        /// <summary>CPU time all processes of the machine have used, from the first line of /proc/stat.</summary>
        private static TimeSpan MachineBusyTime()
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // user nice system idle iowait irq softirq steal
            long busy = 0;
            for (int i = 1; i <= 8; i++)
            {
                if (i is not 4 and not 5)
                {
                    busy += long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            return TimeSpan.FromSeconds(busy / 100.0);
        }
    }
}
