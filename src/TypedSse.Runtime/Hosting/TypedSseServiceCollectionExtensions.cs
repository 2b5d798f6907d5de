using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TypedSse;
using TypedSse.Connections;
using TypedSse.Contracts;
using TypedSse.Diagnostics;
using TypedSse.History;
using TypedSse.Hosting;
using TypedSse.Streams;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TypedSse.</summary>
public static class TypedSseServiceCollectionExtensions
{
    /// <summary>
    /// Adds TypedSse: named streams, the in-memory history, keep-alive pings, metrics, and
    /// <see cref="IEventStream{TContract}"/> for every generated contract. Safe to call more than once.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Configures <see cref="TypedSseOptions"/>.</param>
    /// <returns>A builder for adding a backplane.</returns>
    public static ITypedSseBuilder AddTypedSse(this IServiceCollection services, Action<TypedSseOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<TypedSseOptions>().ValidateOnStart();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(TypedSseMarker)))
        {
            services.AddSingleton<TypedSseMarker>();
            services.AddMetrics();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TypedSseOptions>, TypedSseOptionsValidation>());
            services.TryAddSingleton<TypedSseMetrics>();
            services.TryAddSingleton<EventFanOut>();
            services.TryAddSingleton<IEventSink>(sp => sp.GetRequiredService<EventFanOut>());
            services.TryAddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<TypedSseOptions>>().Value;
                return new InMemoryEventLog(sp.GetRequiredService<IEventSink>(), options.HistorySize, options.HistoryMaxAge, sp.GetRequiredService<TimeProvider>());
            });
            services.TryAddSingleton<IEventBackplane>(sp => sp.GetRequiredService<InMemoryEventLog>());
            services.TryAddSingleton<IEventHistory>(sp => sp.GetRequiredService<InMemoryEventLog>());
            services.TryAddSingleton<ConnectionTracker>();
            services.TryAddSingleton(sp => new EventStreams(
                sp.GetRequiredService<EventFanOut>(),
                sp.GetRequiredService<IEventBackplane>(),
                sp.GetRequiredService<IEventHistory>(),
                sp.GetRequiredService<TypedSseMetrics>(),
                sp.GetRequiredService<ConnectionTracker>(),
                sp.GetRequiredService<IOptions<TypedSseOptions>>().Value.SerializerOptions
                    ?? sp.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions));
            services.TryAddSingleton<LastEventIdReader>();
            services.TryAddSingleton<ConnectionLimiter>();
            services.AddOptions<KestrelServerOptions>().PostConfigure<IOptions<TypedSseOptions>>((kestrel, typedSse) =>
            {
                if (typedSse.Value.LimitKestrelConnectionsToDescriptors && kestrel.Limits.MaxConcurrentConnections is null)
                {
                    kestrel.Limits.MaxConcurrentConnections = DescriptorLimit.DefaultMaxKestrelConnections;
                }
            });
            AcceptGate.Install(services);
            services.TryAddSingleton<EventStreamServer>();
            services.TryAdd(ServiceDescriptor.Singleton(typeof(IEventStream<>), typeof(ContractEventStream<>)));
            services.AddHostedService<KeepAliveService>();
        }
        return new TypedSseBuilder(services);
    }

    private sealed class TypedSseMarker;

    private sealed record TypedSseBuilder(IServiceCollection Services) : ITypedSseBuilder;
}
