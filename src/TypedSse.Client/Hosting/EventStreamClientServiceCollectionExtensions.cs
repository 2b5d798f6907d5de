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

    internal static string OptionsName<TContract>() => "TypedSse.Client:" + typeof(TContract).FullName;
}
