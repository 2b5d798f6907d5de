using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TypedSse.Connections;

namespace TypedSse.Hosting;

/// <summary>
/// Pings idle connections, and closes every connection when the app stops so that the host can finish within its
/// shutdown timeout. One timer of the app's <see cref="TimeProvider"/> serves all connections.
/// </summary>
internal sealed class KeepAliveService(ConnectionTracker connections, IOptions<TypedSseOptions> options, IHostApplicationLifetime lifetime, TimeProvider time)
    : BackgroundService
{
    private PeriodicTimer? _timer;
    private CancellationTokenRegistration _closeOnStop;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _closeOnStop = lifetime.ApplicationStopping.Register(
            () => connections.CloseAll(options.Value.RetryInterval, options.Value.ShutdownReconnectSpread));
        // The timer starts with the host, not when ExecuteAsync gets to run on the thread pool, so that the first
        // interval counts from the start on any clock.
        var interval = options.Value.KeepAliveInterval;
        if (interval > TimeSpan.Zero)
        {
            _timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(interval.TotalMilliseconds / 4, 10, 1000)), time);
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer)
        {
            return;
        }

        var interval = options.Value.KeepAliveInterval;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var output in connections.Outputs)
                {
                    if (output.Idle >= interval)
                    {
                        output.EnqueuePing();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _closeOnStop.Dispose();
        _timer?.Dispose();
        base.Dispose();
    }
}
