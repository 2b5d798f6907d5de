using TypedSse.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers typed event stream clients with <see cref="IHttpClientFactory"/>.</summary>
public static class EventStreamClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EventStreamClient{TContract}"/>, a typed client of <see cref="IHttpClientFactory"/>:
    /// inject it and call the contract's generated <c>Connect…</c> method. Add handlers (authentication, logging) to
    /// the returned builder; don't add a retry or timeout policy, the connection reconnects by itself and lives long.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configureClient">Sets the server's <see cref="HttpClient.BaseAddress"/> (end it with '/').</param>
    /// <param name="configureOptions">Sets the <see cref="EventStreamClientOptions"/> of this contract's client.</param>
    public static IHttpClientBuilder AddEventStreamClient<TContract>(
        this IServiceCollection services,
        Action<HttpClient> configureClient,
        Action<EventStreamClientOptions>? configureOptions = null)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureClient);
        var name = OptionsName<TContract>();
        var options = services.AddOptions<EventStreamClientOptions>(name);
        if (configureOptions is not null)
        {
            options.Configure(configureOptions);
        }

        return services.AddHttpClient<EventStreamClient<TContract>>(name, client =>
        {
            // An event stream is one long response: the default 100 s would cut every connection.
            client.Timeout = Timeout.InfiniteTimeSpan;
            configureClient(client);
        });
    }

    /// <summary>
    /// Registers an <see cref="EventStreamHub"/> singleton over its own named <see cref="HttpClient"/> from
    /// <see cref="IHttpClientFactory"/>: inject it and call any contract's generated <c>Connect…</c> method on it, so
    /// that the app's connections share requests to the server's multiplexed endpoint (<c>app.MapEventStreams()</c>).
    /// The container ends its connections when it is disposed. Add handlers to the returned builder, as for
    /// <see cref="AddEventStreamClient{TContract}"/>.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configureClient">Sets the server's <see cref="HttpClient.BaseAddress"/> (end it with '/').</param>
    /// <param name="configureOptions">Sets the hub's <see cref="EventStreamClientOptions"/>.</param>
    /// <param name="endpoint">The multiplexed endpoint, relative to the base address (<c>MapEventStreams</c>' pattern without its leading '/').</param>
    /// <param name="maxSubscriptions">The server's <c>TypedSseOptions.MaxSubscriptionsPerConnection</c>: the most connections one request carries.</param>
    public static IHttpClientBuilder AddEventStreamHub(
        this IServiceCollection services,
        Action<HttpClient> configureClient,
        Action<EventStreamClientOptions>? configureOptions = null,
        string endpoint = "events",
        int maxSubscriptions = EventStreamHub.DefaultMaxSubscriptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSubscriptions, 1);
        var options = services.AddOptions<EventStreamClientOptions>(HubName);
        if (configureOptions is not null)
        {
            options.Configure(configureOptions);
        }

        services.AddSingleton(provider => new EventStreamHub(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HubName),
            endpoint,
            WithServices(provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<EventStreamClientOptions>>().Get(HubName), provider))
        {
            MaxSubscriptions = maxSubscriptions,
        });
        return services.AddHttpClient(HubName, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan;
            configureClient(client);
        });
    }

    internal static string OptionsName<TContract>() => "TypedSse.Client:" + typeof(TContract).FullName;

    // The hub's one HttpClient lives as long as the hub: its requests are long, and each is made again on a change.
    private const string HubName = "TypedSse.Client:EventStreamHub";

    /// <summary>Fills in what the options leave to the container: its clock and its loggers.</summary>
    internal static EventStreamClientOptions WithServices(EventStreamClientOptions options, IServiceProvider services)
    {
        options.TimeProvider ??= services.GetService<TimeProvider>();
        options.LoggerFactory ??= services.GetService<Microsoft.Extensions.Logging.ILoggerFactory>();
        return options;
    }
}
