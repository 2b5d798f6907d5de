using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using TypedSse.Redis.Events;

namespace TypedSse.Redis;

/// <summary>
/// Healthy when Redis answers a PING; registered as <c>typedsse-redis</c> by <c>AddRedisBackplane</c>. Map it with
/// <c>app.MapHealthChecks("/healthz")</c>.
/// </summary>
internal sealed class RedisBackplaneHealthCheck(RedisConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var redis = await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.#} ms.");
        }
        catch (RedisException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis is unreachable: events cannot be published or delivered.", ex);
        }
    }
}
