using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace TypedSse.Client;

/// <summary>One request to the multiplexed endpoint and the connections it carries: made again whenever they change.</summary>
internal sealed class SharedRequest
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
        var stop = hub.Stopping;
        var failures = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                ISharedSubscription[] subscriptions;
                Task changed;
                using var interrupt = new CancellationTokenSource();
                lock (hub.Gate)
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
                lock (hub.Gate)
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
                var waiting = Task.Delay(delay, hub.Time, stop); // before the state, as a dedicated connection does
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
            lock (hub.Gate)
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
        lock (_hub.Gate)
        {
            // Not Changed(): the server sends nothing of it, so the request goes on; the next one leaves it out.
            Wanted.Remove(subscription);
        }

        subscription.Complete(refusal);
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
