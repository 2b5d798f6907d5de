using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
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
    private void Unavailable()
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

    private static Dictionary<int, int>? RefusedStatuses(string? body)
    {
        if (body is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("refused", out var refused) || refused.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var statuses = new Dictionary<int, int>();
            foreach (var entry in refused.EnumerateArray())
            {
                if (entry.TryGetProperty("subscription", out var index) && index.TryGetInt32(out var i)
                    && entry.TryGetProperty("status", out var status) && status.TryGetInt32(out var s))
                {
                    statuses[i] = s;
                }
            }

            return statuses;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Report(Exception error)
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

    /// <summary>One request to the multiplexed endpoint and the connections it carries: made again whenever they change.</summary>
    private sealed class SharedRequest
    {
        private readonly EventStreamHub _hub;
        private CancellationTokenSource? _interrupt;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TimeSpan _retry;
        private ISharedSubscription?[] _current = [];
        private volatile string? _connectionId;

        public SharedRequest(EventStreamHub hub)
        {
            _hub = hub;
            _retry = hub.Options.RetryDelay;
            Run = Task.Run(RunAsync);
        }

        /// <summary>The connections this request is to carry; under the hub's lock.</summary>
        public List<ISharedSubscription> Wanted { get; } = [];

        public Task Run { get; }

        public string? ConnectionId => _connectionId;

        // Under the hub's lock: the running request no longer carries the set wanted; end it so that the loop makes the next.
        public void Changed()
        {
            _changed.TrySetResult();
            _interrupt?.Cancel();
        }

        private async Task RunAsync()
        {
            var hub = _hub;
            var stop = hub._stop.Token;
            var failures = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    ISharedSubscription[] subscriptions;
                    Task changed;
                    using var interrupt = new CancellationTokenSource();
                    lock (hub._gate)
                    {
                        subscriptions = [.. Wanted];
                        changed = _changed.Task;
                        if (_changed.Task.IsCompleted)
                        {
                            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        }

                        _interrupt = interrupt;
                        _current = subscriptions;
                    }

                    if (subscriptions.Length == 0)
                    {
                        // Nothing to carry: no request until a connection joins this one.
                        await changed.WaitAsync(stop).ConfigureAwait(false);
                        continue;
                    }

                    foreach (var subscription in subscriptions)
                    {
                        subscription.SetState(EventStreamConnectionState.Connecting);
                    }

                    var path = MultiplexedCursor.Path(hub.Endpoint, subscriptions.Select(static s => s.Path));
                    var cursor = MultiplexedCursor.Format(subscriptions.Select(static s => s.LastEventId));
                    var outcome = await StreamRequest.RunAsync(hub, path, cursor, new Reader(this), retry => _retry = retry, stop, interrupt.Token).ConfigureAwait(false);
                    lock (hub._gate)
                    {
                        _interrupt = null;
                    }

                    if (outcome.Opened)
                    {
                        failures = 0;
                    }

                    if (stop.IsCancellationRequested)
                    {
                        break;
                    }

                    if (outcome.Interrupted)
                    {
                        continue;
                    }

                    if (outcome.Stop)
                    {
                        Refused(subscriptions, outcome);
                        continue;
                    }

                    if (outcome.Error is { } error)
                    {
                        hub.Report(error);
                    }

                    failures++;
                    var delay = outcome.RetryAfter ?? RetryDelay.Compute(failures, _retry, hub.Options.MaxRetryDelay, hub.Options.Random ?? System.Random.Shared.NextDouble);
                    var waiting = Task.Delay(delay, hub._time, stop); // before the state, as a dedicated connection does
                    foreach (var subscription in subscriptions)
                    {
                        subscription.SetState(EventStreamConnectionState.WaitingToReconnect);
                    }

                    await waiting.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            finally
            {
                ISharedSubscription[] left;
                lock (hub._gate)
                {
                    left = [.. Wanted];
                    Wanted.Clear();
                }

                foreach (var subscription in left)
                {
                    subscription.Complete(null);
                }
            }
        }

        // The request was answered with 204 or a 4xx: each subscription ends with its own status when the body lists them.
        private void Refused(ISharedSubscription[] subscriptions, StreamRequest.Outcome outcome)
        {
            var statuses = RefusedStatuses(outcome.Body);
            if (statuses is null && outcome.Status == HttpStatusCode.NotFound)
            {
                _hub.Unavailable();
                return;
            }

            for (var i = 0; i < subscriptions.Length; i++)
            {
                if (statuses is null || !statuses.TryGetValue(i, out var status))
                {
                    // Not listed: the request's own answer.
                    End(subscriptions[i], outcome.Refusal);
                    continue;
                }

                End(subscriptions[i], status == 204 ? null : new EventStreamHttpException((HttpStatusCode)status, subscriptions[i].Path));
            }
        }

        private void End(ISharedSubscription subscription, Exception? refusal)
        {
            lock (_hub._gate)
            {
                // Not Changed(): the server sends nothing of it, so the request goes on; the next one leaves it out.
                Wanted.Remove(subscription);
            }

            subscription.Complete(refusal);
        }

        /// <summary>Routes the events of one request to its subscriptions, by the index in their names.</summary>
        private sealed class Reader(SharedRequest request) : IStreamReader
        {
            public void Opened()
            {
            }

            public async Task HandleAsync(SseItem<string> item, string lastEventId, CancellationToken stop)
            {
                var current = request._current;
                if (item.EventType == ControlEvents.Hello)
                {
                    Hello(current, item.Data, item.EventId ?? lastEventId);
                    return;
                }

                if (!MultiplexedCursor.TrySplit(item.EventType, out var index, out var type) || index >= current.Length || current[index] is not { } subscription)
                {
                    return; // a connection-level event (typedsse:close ends the response), or a newer server's
                }

                if (type == ControlEvents.Refused)
                {
                    current[index] = null;
                    request.End(subscription, RefusedStatus(item.Data) is var status and not 204 ? new EventStreamHttpException((HttpStatusCode)status, subscription.Path) : null);
                    return;
                }

                await subscription.HandleAsync(type, item.Data, MultiplexedCursor.Entry(lastEventId, index)).ConfigureAwait(false);
            }

            private void Hello(ISharedSubscription?[] current, string data, string cursor)
            {
                try
                {
                    using var hello = JsonDocument.Parse(data);
                    request._connectionId = ControlEvents.Text(hello.RootElement, "connectionId");
                    var accepted = hello.RootElement.TryGetProperty("subscriptions", out var list) && list.ValueKind == JsonValueKind.Array ? list : default;
                    for (var i = 0; i < current.Length; i++)
                    {
                        var entry = accepted.ValueKind == JsonValueKind.Array && i < accepted.GetArrayLength() ? accepted[i] : default;
                        if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("refused", out _))
                        {
                            continue; // its <i>:typedsse:refused follows
                        }

                        current[i]?.Started(ControlEvents.Text(entry, "connectionId"), MultiplexedCursor.Entry(cursor, i));
                    }
                }
                catch (JsonException error)
                {
                    request._hub.Report(new EventStreamEventException(ControlEvents.Hello, null, "The server's multiplexed hello is not the JSON docs/protocol.md describes.", error));
                }
            }

            private static int RefusedStatus(string data)
            {
                try
                {
                    using var refusal = JsonDocument.Parse(data);
                    return refusal.RootElement.TryGetProperty("status", out var status) && status.TryGetInt32(out var s) ? s : 404;
                }
                catch (JsonException)
                {
                    return 404;
                }
            }
        }
    }
}
