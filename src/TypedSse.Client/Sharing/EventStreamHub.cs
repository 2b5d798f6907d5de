using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TypedSse.Client;

/// <summary>
/// An <see cref="EventStreamClient"/> whose connections share requests to the server's multiplexed endpoint
/// (<c>app.MapEventStreams("/events")</c>, docs/protocol.md): every contract's generated <c>Connect…</c> method works
/// on it, and each connection it opens is one subscription of a request. One request carries up to
/// <see cref="MaxSubscriptions"/> connections (the server's cap); more are carried by another request, and a connection
/// stays on the request that carries it, so opening or disposing one makes a new request (whose cursor resumes every
/// stream that stays) for its own request only. A lost request is made again after the server's <c>retry:</c>, with the
/// same backoff, watchdog and status rules as a connection of its own. Where the endpoint is not mapped (404 without
/// a refusal), every connection falls back to a request of its own, with one logged warning. Events of the streams of
/// one request are delivered one at a time, in the order the server sent them. Dispose the hub to end every
/// connection it carries.
/// </summary>
public sealed class EventStreamHub : EventStreamClient, IAsyncDisposable, IDisposable
{
    private static readonly Action<ILogger, string, Exception?> LogUnavailable = LoggerMessage.Define<string>(
        LogLevel.Warning, new EventId(1, "MultiplexedEndpointUnavailable"),
        "{Endpoint} answered 404 without refusing a subscription, so the app does not map the multiplexed endpoint (app.MapEventStreams). " +
        "Each connection of this hub now opens a request of its own: map the endpoint, give Share() its pattern, or connect through the EventStreamClient instead of a hub.");

    private readonly object _gate = new();
    private readonly List<SharedRequest> _requests = [];
    private readonly List<ISharedSubscription> _alone = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxSubscriptions = DefaultMaxSubscriptions;
    private bool _unavailable;

    /// <summary>The server's default <c>TypedSseOptions.MaxSubscriptionsPerConnection</c>.</summary>
    public const int DefaultMaxSubscriptions = 32;

    /// <summary>A hub over <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the server's (end it with '/').</summary>
    /// <param name="httpClient">The HTTP client of the hub's requests; give it an infinite <see cref="HttpClient.Timeout"/>.</param>
    /// <param name="endpoint">The multiplexed endpoint, relative to the base address: the pattern of <c>MapEventStreams</c> without its leading '/'.</param>
    /// <param name="options">How the hub connects, reconnects and reads; its <see cref="EventStreamClientOptions.OnError"/> hears of failed requests and of every connection's errors.</param>
    public EventStreamHub(HttpClient httpClient, string endpoint = "events", EventStreamClientOptions? options = null)
        : base(httpClient, options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        Endpoint = endpoint.TrimStart('/');
        _time = Options.TimeProvider ?? TimeProvider.System;
        _logger = Options.LoggerFactory?.CreateLogger<EventStreamHub>() ?? NullLogger<EventStreamHub>.Instance;
    }

    /// <summary>The multiplexed endpoint, relative to the base address.</summary>
    public string Endpoint { get; }

    /// <summary>Guards the requests' sets of connections.</summary>
    internal object Gate => _gate;

    /// <summary>Cancelled when the hub is disposed.</summary>
    internal CancellationToken Stopping => _stop.Token;

    internal TimeProvider Time => _time;

    /// <summary>
    /// The most connections one request of the hub carries: the server's <c>TypedSseOptions.MaxSubscriptionsPerConnection</c>
    /// (default 32). Set it to the server's when the app changed it; the hub opens another request for each this many more.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int MaxSubscriptions
    {
        get => _maxSubscriptions;
        init => _maxSubscriptions = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxSubscriptions), value,
            $"MaxSubscriptions must be at least 1: give the server's TypedSseOptions.MaxSubscriptionsPerConnection (default {DefaultMaxSubscriptions}).");
    }

    /// <summary>The server's id of the hub's first request, from its hello; null until that hello.</summary>
    public string? ConnectionId
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count > 0 ? _requests[0].ConnectionId : null;
            }
        }
    }

    /// <summary>How many requests to the multiplexed endpoint carry the hub's connections now (an idle one makes none).</summary>
    public int RequestCount
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count(static r => r.Wanted.Count > 0);
            }
        }
    }

    /// <summary>Ends the hub's requests; every connection it carries closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        SharedRequest[] requests;
        ISharedSubscription[] alone;
        lock (_gate)
        {
            requests = [.. _requests];
            alone = [.. _alone];
        }

        foreach (var request in requests)
        {
            await request.Run.ConfigureAwait(false);
        }

        foreach (var subscription in alone)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends the hub's requests and waits for them, as <see cref="DisposeAsync"/> does.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal void Add(ISharedSubscription subscription)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (!_unavailable)
            {
                if (_requests.Any(request => request.Wanted.Any(other => string.Equals(other.Path, subscription.Path, StringComparison.Ordinal))))
                {
                    throw new InvalidOperationException(
                        $"This hub already carries a connection to '{subscription.Path}', and the server takes each path once per request: share that connection, or open this one through another hub.");
                }

                // A path stays where it is: a new one joins the first request with room, so the others go on.
                var request = _requests.FirstOrDefault(r => r.Wanted.Count < MaxSubscriptions);
                if (request is null)
                {
                    request = new SharedRequest(this);
                    _requests.Add(request);
                }

                request.Wanted.Add(subscription);
                request.Changed();
                return;
            }

            _alone.Add(subscription);
        }

        subscription.RunAlone();
    }

    internal void Remove(ISharedSubscription subscription)
    {
        lock (_gate)
        {
            if (_alone.Remove(subscription))
            {
                return;
            }

            foreach (var request in _requests)
            {
                if (request.Wanted.Remove(subscription))
                {
                    request.Changed();
                    return;
                }
            }
        }
    }

    // The endpoint is not mapped: every connection runs a request of its own from now on.
    internal void Unavailable()
    {
        ISharedSubscription[] moving;
        lock (_gate)
        {
            if (_unavailable)
            {
                return;
            }

            _unavailable = true;
            moving = [.. _requests.SelectMany(static r => r.Wanted)];
            foreach (var request in _requests)
            {
                request.Wanted.Clear();
                request.Changed();
            }

            _alone.AddRange(moving);
        }

        LogUnavailable(_logger, "/" + Endpoint, null);
        foreach (var subscription in moving)
        {
            subscription.RunAlone();
        }
    }

    internal void Report(Exception error)
    {
        try
        {
            Options.OnError?.Invoke(error);
        }
        catch (Exception)
        {
            // An error callback that throws must not end the request it reports on.
        }
    }
}
