using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace TypedSse.Client;

/// <summary>
/// An <see cref="EventStreamClient"/> whose connections share one request to the server's multiplexed endpoint
/// (<c>app.MapEventStreams("/events")</c>, docs/protocol.md): every contract's generated <c>Connect…</c> method works
/// on it, and each connection it opens is one subscription of that request. Connecting or disposing a connection
/// makes a new request for the new set, whose cursor resumes every stream that stays; a lost request is made again
/// after the server's <c>retry:</c>, with the same backoff, watchdog and status rules as a connection of its own.
/// Events of all its streams are delivered one at a time, in the order the server sent them. Dispose it to end every
/// connection it carries.
/// </summary>
public sealed class EventStreamHub : EventStreamClient, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<ISharedSubscription> _wanted = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private readonly Task _run;
    private ISharedSubscription?[] _current = [];
    private CancellationTokenSource? _interrupt;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _retry;
    private volatile string? _connectionId;

    /// <summary>A hub over <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the server's (end it with '/').</summary>
    /// <param name="httpClient">The HTTP client of the hub's request; give it an infinite <see cref="HttpClient.Timeout"/>.</param>
    /// <param name="endpoint">The multiplexed endpoint, relative to the base address: the pattern of <c>MapEventStreams</c> without its leading '/'.</param>
    /// <param name="options">How the hub connects, reconnects and reads; its <see cref="EventStreamClientOptions.OnError"/> hears of failed requests and of every connection's errors.</param>
    public EventStreamHub(HttpClient httpClient, string endpoint = "events", EventStreamClientOptions? options = null)
        : base(httpClient, options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        Endpoint = endpoint.TrimStart('/');
        _time = Options.TimeProvider ?? TimeProvider.System;
        _retry = Options.RetryDelay;
        _run = Task.Run(RunAsync);
    }

    /// <summary>The multiplexed endpoint, relative to the base address.</summary>
    public string Endpoint { get; }

    /// <summary>
    /// The most connections one hub carries: the server's <c>TypedSseOptions.MaxSubscriptionsPerConnection</c>
    /// (default 32). Set it to the server's when the app changed it.
    /// </summary>
    public int MaxSubscriptions { get; init; } = 32;

    /// <summary>The server's id of the hub's current request, from its hello; null until the first hello.</summary>
    public string? ConnectionId => _connectionId;

    /// <summary>Ends the hub's request; every connection it carries closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        await _run.ConfigureAwait(false);
    }

    internal void Add(ISharedSubscription subscription)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (_wanted.Any(other => string.Equals(other.Path, subscription.Path, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException(
                    $"This hub already carries a connection to '{subscription.Path}', and the server takes each path once per request: share that connection, or open this one through another hub.");
            }

            if (_wanted.Count >= MaxSubscriptions)
            {
                throw new InvalidOperationException(
                    $"This hub carries {_wanted.Count} connections, its MaxSubscriptions (the server's MaxSubscriptionsPerConnection): open '{subscription.Path}' through another hub, or raise both limits.");
            }

            _wanted.Add(subscription);
            Changed();
        }
    }

    internal void Remove(ISharedSubscription subscription)
    {
        lock (_gate)
        {
            if (_wanted.Remove(subscription))
            {
                Changed();
            }
        }
    }

    // Under _gate: the running request no longer carries the set wanted; end it so that the loop makes the next.
    private void Changed()
    {
        _changed.TrySetResult();
        _interrupt?.Cancel();
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        var failures = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                ISharedSubscription[] subscriptions;
                Task changed;
                using var interrupt = new CancellationTokenSource();
                lock (_gate)
                {
                    subscriptions = [.. _wanted];
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
                    // Nothing to carry: no request until a connection is opened through the hub.
                    await changed.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }

                foreach (var subscription in subscriptions)
                {
                    subscription.SetState(EventStreamConnectionState.Connecting);
                }

                var path = MultiplexedCursor.Path(Endpoint, subscriptions.Select(static s => s.Path));
                var cursor = MultiplexedCursor.Format(subscriptions.Select(static s => s.LastEventId));
                var outcome = await StreamRequest.RunAsync(this, path, cursor, new Reader(this), retry => _retry = retry, stop, interrupt.Token).ConfigureAwait(false);
                lock (_gate)
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
                    Report(error);
                }

                failures++;
                var delay = outcome.RetryAfter ?? RetryDelay.Compute(failures, _retry, Options.MaxRetryDelay, Options.Random ?? System.Random.Shared.NextDouble);
                var waiting = Task.Delay(delay, _time, stop); // before the state, as a dedicated connection does
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
            lock (_gate)
            {
                left = [.. _wanted];
                _wanted.Clear();
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
        for (var i = 0; i < subscriptions.Length; i++)
        {
            if (statuses is null || !statuses.TryGetValue(i, out var status))
            {
                // Not listed (or the endpoint is not mapped at all): the request's own answer.
                End(subscriptions[i], outcome.Refusal);
                continue;
            }

            End(subscriptions[i], status == 204 ? null : new EventStreamHttpException((HttpStatusCode)status, subscriptions[i].Path));
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

    private void End(ISharedSubscription subscription, Exception? refusal)
    {
        lock (_gate)
        {
            // Not Changed(): the server sends nothing of it, so the request goes on; the next one leaves it out.
            _wanted.Remove(subscription);
        }

        subscription.Complete(refusal);
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

    /// <summary>Routes the events of one request to its subscriptions, by the index in their names.</summary>
    private sealed class Reader(EventStreamHub hub) : IStreamReader
    {
        public void Opened()
        {
        }

        public async Task HandleAsync(SseItem<string> item, string lastEventId, CancellationToken stop)
        {
            var current = hub._current;
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
                hub.End(subscription, RefusedStatus(item.Data) is var status and not 204 ? new EventStreamHttpException((HttpStatusCode)status, subscription.Path) : null);
                return;
            }

            await subscription.HandleAsync(type, item.Data, MultiplexedCursor.Entry(lastEventId, index)).ConfigureAwait(false);
        }

        private void Hello(ISharedSubscription?[] current, string data, string cursor)
        {
            try
            {
                using var hello = JsonDocument.Parse(data);
                hub._connectionId = ControlEvents.Text(hello.RootElement, "connectionId");
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
                hub.Report(new EventStreamEventException(ControlEvents.Hello, null, "The server's multiplexed hello is not the JSON docs/protocol.md describes.", error));
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
