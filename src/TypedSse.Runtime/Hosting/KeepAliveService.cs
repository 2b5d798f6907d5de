using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TypedSse.Connections;

namespace TypedSse.Hosting;

/// <summary>
/// Pings idle connections, and closes every connection when the app stops so that the host can finish within its
/// shutdown timeout. One timer serves all connections.
/// </summary>
internal sealed class KeepAliveService(ConnectionTracker connections, IOptions<TypedSseOptions> options, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var closeOnStop = lifetime.ApplicationStopping.Register(connections.CloseAll);

        var interval = options.Value.KeepAliveInterval;
        long intervalMs = (long)interval.TotalMilliseconds;
        var tick = interval > TimeSpan.Zero ? TimeSpan.FromMilliseconds(Math.Clamp(intervalMs / 4, 10, 1000)) : Timeout.InfiniteTimeSpan;
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var connection in connections.Connections)
                {
                    if (connection.IdleMilliseconds >= intervalMs)
                    {
                        connection.EnqueuePing();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
