using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedSse;
using TypedSse.History;
using TypedSse.Redis;
using TypedSse.Redis.Delivery;
using TypedSse.Redis.Diagnostics;
using TypedSse.Redis.Events;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis Streams backplane to TypedSse.</summary>
public static class RedisBackplaneBuilderExtensions
{
    /// <summary>
    /// Makes Redis Streams the history and backplane of every stream, so that several app instances share one event
    /// log: an event published on any instance reaches the connections of all of them, and a client that reconnects to
    /// another instance with its Last-Event-ID gets exactly what it missed. See docs/redis.md.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTypedSse()</c>.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string, such as <c>localhost:6379</c>; every instance uses the same Redis.</param>
    /// <param name="configure">Configures <see cref="RedisBackplaneOptions"/>: key prefix, retention, batch size.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Events for an <see cref="EventAudience.Where"/> predicate cannot cross instances: publishing one throws
    /// <see cref="NotSupportedException"/>.
    /// </remarks>
    public static ITypedSseBuilder AddRedisBackplane(this ITypedSseBuilder builder, string configuration,
        Action<RedisBackplaneOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return AddRedisBackplane(builder, options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        }, given: null);
    }

    /// <summary>
    /// Makes Redis Streams the history and backplane of every stream, over a multiplexer the app already has (and
    /// keeps owning: the backplane does not dispose it). See docs/redis.md.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTypedSse()</c>.</param>
    /// <param name="connection">The app's connected multiplexer.</param>
    /// <param name="configure">Configures <see cref="RedisBackplaneOptions"/>: key prefix, retention, batch size.</param>
    /// <returns>The builder.</returns>
    public static ITypedSseBuilder AddRedisBackplane(this ITypedSseBuilder builder, IConnectionMultiplexer connection,
        Action<RedisBackplaneOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        return AddRedisBackplane(builder, configure, connection);
    }

    private static ITypedSseBuilder AddRedisBackplane(ITypedSseBuilder builder, Action<RedisBackplaneOptions>? configure, IConnectionMultiplexer? given)
    {
        var services = builder.Services;
        var options = services.AddOptions<RedisBackplaneOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisBackplaneOptions>, RedisBackplaneOptionsValidation>());
        services.TryAddSingleton(sp => new RedisConnection(sp.GetRequiredService<IOptions<RedisBackplaneOptions>>(), given));
        services.TryAddSingleton<RedisStreamReads>();
        services.TryAddSingleton<RedisBackplaneMetrics>();
        services.TryAddSingleton<StreamReaders>();
        services.TryAddSingleton<RedisEventLog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStreamInterest, StreamReaders>(sp => sp.GetRequiredService<StreamReaders>()));
        services.Replace(ServiceDescriptor.Singleton<IEventBackplane>(sp => sp.GetRequiredService<RedisEventLog>()));
        services.Replace(ServiceDescriptor.Singleton<IEventHistory>(sp => sp.GetRequiredService<RedisEventLog>()));
        services.AddHostedService(sp => sp.GetRequiredService<StreamReaders>());
        services.AddHostedService<CloseUserListener>();
        services.AddHealthChecks().AddCheck<RedisBackplaneHealthCheck>("typedsse-redis", tags: ["typedsse", "backplane"]);
        return builder;
    }
}
