using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TypedSse.Client;

/// <summary>
/// Opens typed connections to TypedSse event streams over an <see cref="System.Net.Http.HttpClient"/>. The generated
/// <c>Connect…</c> extension methods of each contract (for example <c>ConnectChatEvents</c>) are its API.
/// </summary>
public class EventStreamClient
{
    /// <summary>A client over <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the server's (end it with '/').</summary>
    public EventStreamClient(HttpClient httpClient, EventStreamClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options ??= new EventStreamClientOptions();
        options.Validate();
        HttpClient = httpClient;
        Options = options;
    }

    /// <summary>The HTTP client every connection of this client uses.</summary>
    public HttpClient HttpClient { get; }

    /// <summary>The options every connection of this client uses.</summary>
    public EventStreamClientOptions Options { get; }

    /// <summary>
    /// A hub over this client's <see cref="HttpClient"/> and options whose connections share requests to the server's
    /// multiplexed endpoint (<c>app.MapEventStreams()</c>), one per <paramref name="maxSubscriptions"/> connections:
    /// connect any contract through it with its generated <c>Connect…</c> method. Dispose the hub to end them all.
    /// </summary>
    /// <param name="endpoint">The multiplexed endpoint, relative to the base address (<c>MapEventStreams</c>' pattern without its leading '/').</param>
    /// <param name="maxSubscriptions">The server's <c>TypedSseOptions.MaxSubscriptionsPerConnection</c>: the most connections one request carries.</param>
    public EventStreamHub Share(string endpoint = "events", int maxSubscriptions = EventStreamHub.DefaultMaxSubscriptions) =>
        new(HttpClient, endpoint, Options) { MaxSubscriptions = maxSubscriptions };

    /// <summary>
    /// Connects to <paramref name="path"/> and hands each event to <paramref name="receiver"/>, one at a time, in order.
    /// Called by the generated <c>Connect…</c> methods.
    /// </summary>
    /// <param name="contract">The generated description of the contract.</param>
    /// <param name="path">The stream's path with its route values, relative to the base address.</param>
    /// <param name="receiver">The implementation of the contract that receives the events.</param>
    /// <param name="lastEventId">Resume after this id (from a snapshot) instead of receiving from now on.</param>
    public EventStreamConnection<TEvent> Connect<TReceiver, TEvent>(EventStreamClientContract<TReceiver, TEvent> contract, string path, TReceiver receiver, string? lastEventId = null)
        where TReceiver : class
        where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(receiver);
        return new EventStreamConnection<TEvent>(
            this, path, contract.StreamName, contract.Decode, contract.Reset, (@event, ct) => contract.DispatchAsync(receiver, @event, ct), lastEventId);
    }

    /// <summary>Connects to <paramref name="path"/>; read the events with <see cref="EventStreamConnection{TEvent}.ReadAllAsync"/>.</summary>
    public EventStreamConnection<TEvent> Connect<TReceiver, TEvent>(EventStreamClientContract<TReceiver, TEvent> contract, string path, string? lastEventId = null)
        where TReceiver : class
        where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(contract);
        return new EventStreamConnection<TEvent>(this, path, contract.StreamName, contract.Decode, contract.Reset, deliver: null, lastEventId);
    }
}

/// <summary>
/// The <see cref="EventStreamClient"/> of one contract, registered by
/// <see cref="EventStreamClientServiceCollectionExtensions.AddEventStreamClient{TContract}"/> with its own named
/// <see cref="HttpClient"/> from <see cref="IHttpClientFactory"/> and its own options.
/// </summary>
/// <typeparam name="TContract">The <c>[EventStream]</c> interface the client receives.</typeparam>
public sealed class EventStreamClient<TContract> : EventStreamClient
    where TContract : class
{
    /// <summary>Created by dependency injection.</summary>
    [ActivatorUtilitiesConstructor]
    public EventStreamClient(HttpClient httpClient, IOptionsMonitor<EventStreamClientOptions> options, IServiceProvider services)
        : base(httpClient, EventStreamClientServiceCollectionExtensions.WithServices(options.Get(EventStreamClientServiceCollectionExtensions.OptionsName<TContract>()), services))
    {
    }
}
