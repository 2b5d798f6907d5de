using System.Diagnostics;
using System.Net;

namespace TypedSse.Benchmarks.Load;

/// <summary>N subscribers of one server, with the counters the benchmarks read.</summary>
internal sealed class SubscriberPool : IDisposable
{
    private readonly List<Subscriber> _subscribers = [];
    private long _received;
    private int _unexpectedClosures;
    private volatile bool _closing;

    public LatencyHistogram? Latencies { get; set; }

    public BatchTracker? Tracker { get; set; }

    public IReadOnlyList<Subscriber> Subscribers => _subscribers;

    public long ReceivedEvents => Interlocked.Read(ref _received);

    public int UnexpectedClosures => Volatile.Read(ref _unexpectedClosures);

    public long NowMicroseconds() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    public static async Task<SubscriberPool> ConnectAsync(IPEndPoint server, string path, int count, int bufferSize, TimeSpan timeout)
    {
        var pool = new SubscriberPool();
        using var parallel = new SemaphoreSlim(64);
        using var cancel = new CancellationTokenSource(timeout);
        var tasks = new List<Task>(count);
        for (int i = 0; i < count; i++)
        {
            var subscriber = new Subscriber(pool, bufferSize);
            pool._subscribers.Add(subscriber);
            await parallel.WaitAsync(cancel.Token);
            tasks.Add(OpenAsync(subscriber));
        }
        await Task.WhenAll(tasks).WaitAsync(cancel.Token);
        return pool;

        async Task OpenAsync(Subscriber subscriber)
        {
            // Connected once the request is sent: a server may hold its response head back until the first event
            // (TypedResults.ServerSentEvents does), so the caller asks the server how many subscribers it has instead.
            try
            {
                await subscriber.ConnectAsync(server, path).WaitAsync(cancel.Token);
            }
            finally
            {
                parallel.Release();
            }
        }
    }

    public void Received(int events) => Interlocked.Add(ref _received, events);

    public void SubscriberClosed(Subscriber subscriber)
    {
        if (!_closing)
        {
            Interlocked.Increment(ref _unexpectedClosures);
        }
    }

    public Exception? FirstFailure => _subscribers.Select(s => s.Failure).FirstOrDefault(f => f is not null);

    public long Gaps => _subscribers.Sum(s => Volatile.Read(ref s.Gaps));

    /// <summary>Waits until every subscriber has seen <paramref name="lastSeq"/>; returns how many have not.</summary>
    public async Task<int> WaitForAsync(long lastSeq, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            int behind = _subscribers.Count(s => Volatile.Read(ref s.LastSeq) < lastSeq);
            if (behind == 0 || deadline.Elapsed > timeout)
            {
                return behind;
            }
            await Task.Delay(20);
        }
    }

    public void BeginClosing() => _closing = true;

    public void Dispose()
    {
        _closing = true;
        foreach (var subscriber in _subscribers)
        {
            subscriber.Dispose();
        }
    }
}

/// <summary>
/// The closed loop of the throughput phase. Events are published in batches of <see cref="BatchSize"/>; batch b may
/// be published only once every subscriber has received batch b − <see cref="Window"/>. So the publisher runs as fast
/// as the server delivers to its slowest subscriber, and at most Window × BatchSize events are in flight per connection.
/// </summary>
internal sealed class BatchTracker(int generation, long firstSeq, int batchSize, int window, int subscribers)
{
    private readonly int[] _completed = new int[window * 2];
    private readonly SemaphoreSlim _progress = new(0);

    public int Generation => generation;

    public int BatchSize => batchSize;

    public int Window => window;

    public long LastSeqOf(long batch) => firstSeq + ((batch + 1) * batchSize) - 1;

    public void Completed(long batch)
    {
        if (Interlocked.Increment(ref _completed[batch % _completed.Length]) == subscribers)
        {
            _progress.Release();
        }
    }

    /// <summary>Called before batch <paramref name="batch"/> is published: its slot last counted batch − 2 × Window.</summary>
    public void Reset(long batch) => Volatile.Write(ref _completed[batch % _completed.Length], 0);

    public async Task<bool> WaitAsync(long batch, TimeSpan timeout)
    {
        while (Volatile.Read(ref _completed[batch % _completed.Length]) < subscribers)
        {
            if (!await _progress.WaitAsync(timeout))
            {
                return false;
            }
        }
        return true;
    }
}
