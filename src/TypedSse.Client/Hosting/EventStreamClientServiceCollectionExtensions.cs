using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
        AddOptions(services, name, configureOptions);
        return services.AddHttpClient<EventStreamClient<TContract>>(name, LongLived(configureClient));
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
        AddOptions(services, HubName, configureOptions);
        // One HttpClient for the hub's life: its requests are long, and each is made again on a change of its set.
        services.AddSingleton(provider => new EventStreamHub(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HubName),
            endpoint,
            WithServices(provider.GetRequiredService<IOptionsMonitor<EventStreamClientOptions>>().Get(HubName), provider))
        {
            MaxSubscriptions = maxSubscriptions,
        });
        return services.AddHttpClient(HubName, LongLived(configureClient));
    }

    internal static string OptionsName<TContract>() => "TypedSse.Client:" + typeof(TContract).FullName;

    /// <summary>Fills in what the options leave to the container: its clock and its loggers.</summary>
    internal static EventStreamClientOptions WithServices(EventStreamClientOptions options, IServiceProvider services)
    {
        options.TimeProvider ??= services.GetService<TimeProvider>();
        options.LoggerFactory ??= services.GetService<ILoggerFactory>();
        return options;
    }

    private const string HubName = "TypedSse.Client:EventStreamHub";

    private static void AddOptions(IServiceCollection services, string name, Action<EventStreamClientOptions>? configureOptions)
    {
        var options = services.AddOptions<EventStreamClientOptions>(name);
        if (configureOptions is not null)
        {
            options.Configure(configureOptions);
        }
    }

    // An event stream is one long response: the default 100 s would cut every connection.
    private static Action<HttpClient> LongLived(Action<HttpClient> configureClient) => client =>
    {
        client.Timeout = Timeout.InfiniteTimeSpan;
        configureClient(client);
    };
}
