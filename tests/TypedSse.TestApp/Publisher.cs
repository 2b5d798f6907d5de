using System.Diagnostics;
using TypedSse;

namespace TypedSse.TestApp;

/// <summary>
/// Once told a rate (<c>POST /publishing/{perSecond}</c>), publishes that many ticks a second, round-robin over
/// <c>Rooms</c> rooms (r0, r1, …), until the host stops.
/// </summary>
internal sealed class Publisher(IEventStream<IRoomEvents> rooms, IConfiguration configuration) : BackgroundService
{
    private readonly TaskCompletionSource<int> _rate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Start(int perSecond) => _rate.TrySetResult(perSecond);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int roomCount = configuration.GetValue("Rooms", 100);
        try
        {
            int perSecond = await _rate.Task.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            var clock = Stopwatch.StartNew();
            long sent = 0;
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                for (long due = clock.ElapsedMilliseconds * perSecond / 1000; sent < due; sent++)
                {
                    await rooms.Route($"r{sent % roomCount}").Ticked(new Tick((int)sent, []), "publisher");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
