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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var closeOnStop = lifetime.ApplicationStopping.Register(connections.CloseAll);

        var interval = options.Value.KeepAliveInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(interval.TotalMilliseconds / 4, 10, 1000));
        using var timer = new PeriodicTimer(tick, time);
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
}
