using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace TypedSse.Redis.Tests.Infrastructure;

public static class RedisApps
{
    /// <summary>A key prefix of its own for each test, so tests share the server but not their streams.</summary>
    public static string NewPrefix() => $"t{Guid.NewGuid():N}"[..17];

    public static Task<BackplaneApp> StartAsync(RedisServer redis, string prefix, ITestOutputHelper? output = null, string name = "app",
        Action<RedisBackplaneOptions>? configure = null, TimeProvider? time = null) =>
        BackplaneApp.StartAsync(typedSse => typedSse.AddRedisBackplane(redis.Configuration, options =>
        {
            options.KeyPrefix = prefix;
            options.ReconnectDelay = TimeSpan.FromMilliseconds(250);
            configure?.Invoke(options);
        }), output, name, time);
}
