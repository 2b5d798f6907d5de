using System.Globalization;

namespace TypedSse.Benchmarks.Servers;

/// <summary>
/// The one publisher of a server, driven by the load generator: a batch of events as fast as the server takes them
/// (the closed-loop phase), or a steady rate for a while (the latency phase). Each tick carries its sequence number
/// and the monotonic time it was meant to be sent.
/// </summary>
internal sealed class Publisher(IBenchServer server)
{
    private readonly SemaphoreSlim _one = new(1);
    private long _lastSeq;
    private long _publishingMicros;
    private Task _pacing = Task.CompletedTask;

    public void Map(WebApplication app)
    {
        app.MapGet("/control/clock", () => MonotonicClock.NowMicroseconds.ToString(CultureInfo.InvariantCulture));
        app.MapPost("/control/publish", async (int count) => (await PublishBatchAsync(count)).ToString(CultureInfo.InvariantCulture));
        app.MapPost("/control/pace", (double rate, int milliseconds) =>
        {
            long first = Interlocked.Read(ref _lastSeq) + 1;
            _pacing = Task.Run(() => PaceAsync(rate, milliseconds));
            return first.ToString(CultureInfo.InvariantCulture);
        });
        app.MapGet("/control/stats", (bool? gc) =>
        {
            if (gc == true)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }
            var (dropped, disconnects) = server.Losses;
            return Results.Text(
                $$"""{"subscribers":{{server.Subscribers}},"lastSeq":{{Interlocked.Read(ref _lastSeq)}},"managedHeapBytes":{{GC.GetTotalMemory(false)}},"droppedEvents":{{dropped}},"disconnects":{{disconnects}},"publishingMicros":{{_publishingMicros}},"pacing":{{(!_pacing.IsCompleted).ToString().ToLowerInvariant()}}}""",
                "application/json");
        });
    }

    private async Task<long> PublishBatchAsync(int count)
    {
        await _one.WaitAsync();
        try
        {
            long started = MonotonicClock.NowMicroseconds;
            for (int i = 0; i < count; i++)
            {
                await server.PublishAsync(BenchTick.Create(++_lastSeq, MonotonicClock.NowMicroseconds));
            }
            _publishingMicros += MonotonicClock.NowMicroseconds - started;
            return _lastSeq;
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task PaceAsync(double rate, int milliseconds)
    {
        await _one.WaitAsync();
        try
        {
            long start = MonotonicClock.NowMicroseconds;
            long end = start + (milliseconds * 1000L);
            long sent = 0;
            for (long now = start; now < end; now = MonotonicClock.NowMicroseconds)
            {
                long due = (long)((now - start) * rate / 1e6) + 1;
                for (; sent < due; sent++)
                {
                    // Stamped with the time it was due, so a publisher held up by a busy server shows as latency.
                    await server.PublishAsync(BenchTick.Create(++_lastSeq, start + (long)(sent * 1e6 / rate)));
                }
                await Task.Delay(1);
            }
        }
        finally
        {
            _one.Release();
        }
    }
}
