using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedSse.History;
using TypedSse.Redis.Diagnostics;
using TypedSse.Redis.Events;

namespace TypedSse.Redis.Delivery;

/// <summary>
/// Listens on the backplane's sign-out channel and closes the named user's connections on this instance. Every
/// instance subscribes for as long as it runs; StackExchange.Redis restores the subscription after a reconnect, and a
/// sign-out published while this instance was cut off from Redis does not reach it (docs/redis.md).
/// </summary>
internal sealed class CloseUserListener(RedisConnection connection, IServiceProvider services, ILogger<CloseUserListener> logger) : IHostedService
{
    private readonly Action<RedisChannel, RedisValue> _received = (_, message) =>
    {
        string notice = message.ToString();
        if (CloseUserNotice.TryParse(notice, out string userId, out string reason))
        {
            // Resolved on use: the runtime's sink depends on the backplane, which this listener belongs to.
            int closed = services.GetRequiredService<IEventSink>().CloseUser(userId, reason);
            Log.UserClosed(logger, userId, closed, reason);
        }
        else
        {
            Log.UnreadableCloseUserNotice(logger, notice.Length);
        }
    };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var redis = await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            await redis.GetSubscriber().SubscribeAsync(connection.Keys.CloseUser, _received).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            throw new RedisBackplaneException($"The Redis backplane could not subscribe to its sign-out channel '{connection.Keys.CloseUser}'. {ex.Message}", ex);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!connection.GetAsync().IsCompletedSuccessfully)
        {
            return;
        }
        try
        {
            await connection.GetAsync().Result.GetSubscriber().UnsubscribeAsync(connection.Keys.CloseUser, _received).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Redis is away; the subscription went with the connection.
        }
    }
}
