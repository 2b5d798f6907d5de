using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TypedSse;
using TypedSse.History;
using TypedSse.PostgreSql;
using TypedSse.PostgreSql.Delivery;
using TypedSse.PostgreSql.Diagnostics;
using TypedSse.PostgreSql.Events;
using TypedSse.PostgreSql.Retention;
using TypedSse.PostgreSql.Schema;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL backplane to TypedSse.</summary>
public static class PostgreSqlBackplaneBuilderExtensions
{
    /// <summary>
    /// Makes a PostgreSQL database the history and backplane of every stream, so that several app instances share one
    /// event log: an event published on any instance reaches the connections of all of them, and a client that
    /// reconnects to another instance with its Last-Event-ID gets exactly what it missed. The schema is created or
    /// migrated on start. See docs/postgresql.md.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddTypedSse()</c>.</param>
    /// <param name="connectionString">The Npgsql connection string of the database; every instance uses the same one.</param>
    /// <param name="configure">Configures <see cref="PostgreSqlBackplaneOptions"/>: schema, retention, intervals.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Events for an <see cref="EventAudience.Where"/> predicate cannot cross instances: publishing one throws
    /// <see cref="NotSupportedException"/>.
    /// </remarks>
    public static ITypedSseBuilder AddPostgreSqlBackplane(this ITypedSseBuilder builder, string connectionString,
        Action<PostgreSqlBackplaneOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        var services = builder.Services;
        var options = services.AddOptions<PostgreSqlBackplaneOptions>()
            .Configure(o => o.ConnectionString = connectionString)
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlBackplaneOptions>, PostgreSqlBackplaneOptionsValidation>());
        services.TryAddSingleton<EventLogDatabase>();
        services.TryAddSingleton<PostgreSqlEventLog>();
        services.TryAddSingleton<PostgreSqlBackplaneMetrics>();
        services.TryAddSingleton<ServedStreams>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStreamInterest, ServedStreams>(sp => sp.GetRequiredService<ServedStreams>()));
        services.Replace(ServiceDescriptor.Singleton<IEventBackplane>(sp => sp.GetRequiredService<PostgreSqlEventLog>()));
        services.Replace(ServiceDescriptor.Singleton<IEventHistory>(sp => sp.GetRequiredService<PostgreSqlEventLog>()));
        services.AddHostedService<EventListener>();
        services.AddHostedService<HistoryPruner>();
        return builder;
    }
}
