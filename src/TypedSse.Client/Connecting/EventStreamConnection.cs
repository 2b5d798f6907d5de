using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;

namespace TypedSse.Client;

/// <summary>
/// One typed connection to an event stream: it connects, reads with <see cref="SseParser"/>, reconnects after the
/// server's <c>retry:</c> with <c>Last-Event-ID</c>, backs off with jitter after consecutive failures, drops a
/// connection the watchdog finds silent, and stops for good on 204 and on a 4xx other than 408 and 429.
/// Events are delivered one at a time, in order. Opened through an <see cref="EventStreamHub"/>, it is one
/// subscription of a multiplexed request of the hub instead of a request of its own (unless the server does not map
/// the multiplexed endpoint). Dispose it to end it.
/// </summary>
/// <typeparam name="TEvent">The contract's generated event record hierarchy.</typeparam>
public sealed class EventStreamConnection<TEvent> : IAsyncDisposable, ISharedSubscription, IStreamReader
    where TEvent : class
{
    private readonly EventStreamClient _client;
    private readonly EventStreamClientOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<string, string, JsonSerializerOptions, TEvent?> _decode;
    private readonly Func<EventStreamReset, TEvent> _reset;
    private readonly Func<TEvent, CancellationToken, Task>? _deliver;
    private readonly Channel<TEvent>? _events;
    private readonly CancellationTokenSource _stop = new();
    private readonly EventStreamHub? _hub;
    private readonly TaskCompletionSource? _shared;
    private readonly SemaphoreSlim _delivering = new(1, 1);
    private readonly Task _run;
    private volatile Task? _alone;
    private TimeSpan _retry;
    private volatile string? _lastEventId;
    private volatile string? _connectionId;
    private int _state = (int)EventStreamConnectionState.Connecting;

    internal EventStreamConnection(
        EventStreamClient client,
        string path,
        string streamName,
        Func<string, string, JsonSerializerOptions, TEvent?> decode,
        Func<EventStreamReset, TEvent> reset,
        Func<TEvent, CancellationToken, Task>? deliver,
        string? lastEventId)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (lastEventId is not null && (lastEventId.Contains('\r') || lastEventId.Contains('\n') || lastEventId.Contains('\0') || lastEventId.Contains(',')))
        {
            throw new ArgumentException($"The last event id '{lastEventId}' contains CR, LF, NUL or a comma, which no event id of a TypedSse stream can: pass an id the server sent.", nameof(lastEventId));
        }

        _client = client;
        _options = client.Options;
        _time = _options.TimeProvider ?? TimeProvider.System;
        Path = path;
        StreamName = streamName;
        _decode = decode;
        _reset = reset;
        _deliver = deliver;
        _retry = _options.RetryDelay;
        _lastEventId = lastEventId;
        if (deliver is null)
        {
            // Bounded: a slow reader slows the socket down instead of growing memory.
            _events = Channel.CreateBounded<TEvent>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        }

        if (client is EventStreamHub hub)
        {
            _hub = hub;
            _shared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _run = _shared.Task;
            hub.Add(this);
        }
        else
        {
            _run = Task.Run(RunAsync);
        }
    }

    /// <summary>The stream's name, as the contract declares it.</summary>
    public string StreamName { get; }

    /// <summary>The path the connection requests (or, through a hub, subscribes to), relative to the client's base address.</summary>
    public string Path { get; }

    /// <summary>Where the connection is now; <see cref="StateChanged"/> tells of every change.</summary>
    public EventStreamConnectionState State => (EventStreamConnectionState)Volatile.Read(ref _state);

    /// <summary>The id of the last event delivered (or the id the connection started from): what a reconnection resumes after.</summary>
    public string? LastEventId => _lastEventId;

    /// <summary>The server's id of the current connection (through a hub, of this subscription), from its hello; null until the first hello.</summary>
    public string? ConnectionId => _connectionId;

    /// <summary>Raised, on the connection's own task, when <see cref="State"/> changes.</summary>
    public event Action<EventStreamConnectionState>? StateChanged;

    /// <summary>
    /// Completes when the connection has stopped for good: successfully when disposed, cancelled or told to stop with
    /// 204; faulted with <see cref="EventStreamHttpException"/> or <see cref="EventStreamContentTypeException"/> when refused.
    /// </summary>
    public Task Completion => _run;

    /// <summary>
    /// The events, for <c>await foreach</c>, when the connection was opened without a receiver. The enumeration ends
    /// when the connection stops (throwing what <see cref="Completion"/> faulted with).
    /// </summary>
    public async IAsyncEnumerable<TEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_events is null)
        {
            throw new InvalidOperationException("This connection delivers its events to a receiver: call the Connect method without a receiver to read them with ReadAllAsync.");
        }

        while (await _events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_events.Reader.TryRead(out var @event))
            {
                yield return @event;
            }
        }
    }

    /// <summary>Ends the connection and waits until its request is closed (through a hub: it has left the hub's request) and no receiver call is running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        if (_hub is not null)
        {
            _hub.Remove(this);
            await _delivering.WaitAsync().ConfigureAwait(false);
            _delivering.Release();
            if (_alone is { } alone)
            {
                await alone.ConfigureAwait(false);
            }

            ((ISharedSubscription)this).Complete(null);
        }

        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A refusal is Completion's to report; disposing must not throw it.
        }
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        var failures = 0;
        Exception? refusal = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                SetState(EventStreamConnectionState.Connecting);
                var outcome = await StreamRequest.RunAsync(_client, Path, _lastEventId, this, retry => _retry = retry, stop, CancellationToken.None).ConfigureAwait(false);
                if (outcome.Opened)
                {
                    failures = 0;
                }

                if (outcome.Stop || stop.IsCancellationRequested)
                {
                    refusal = outcome.Refusal;
                    break;
                }

                if (outcome.Error is { } error)
                {
                    Report(error);
                }

                failures++;
                var delay = outcome.RetryAfter ?? NextDelay(failures);
                // The delay's timer exists before the state says so: whoever sees WaitingToReconnect can move the clock.
                var waiting = Task.Delay(delay, _time, stop);
                SetState(EventStreamConnectionState.WaitingToReconnect);
                await waiting.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            SetState(EventStreamConnectionState.Closed);
            _events?.Writer.TryComplete(refusal);
        }

        if (refusal is not null)
        {
            throw refusal;
        }
    }

    private TimeSpan NextDelay(int failures) =>
        RetryDelay.Compute(failures, _retry, _options.MaxRetryDelay, _options.Random ?? System.Random.Shared.NextDouble);

    void IStreamReader.Opened() => SetState(EventStreamConnectionState.Open);

    Task IStreamReader.HandleAsync(SseItem<string> item, string lastEventId, CancellationToken stop)
    {
        if (item.EventType == ControlEvents.Hello)
        {
            ReadHello(item.Data);
            return Task.CompletedTask;
        }

        return HandleEventAsync(item.EventType, item.Data, item.EventId, lastEventId, stop);
    }

    /// <summary>Turns one event into its record and delivers it, then moves <see cref="LastEventId"/> on to <paramref name="lastEventId"/>.</summary>
    private async Task HandleEventAsync(string eventType, string data, string? eventId, string lastEventId, CancellationToken stop)
    {
        if (eventType == ControlEvents.Reset)
        {
            await DeliverAsync(eventType, eventId, _reset(ControlEvents.ReadReset(data)), stop).ConfigureAwait(false);
        }
        else
        {
            TEvent? @event;
            try
            {
                @event = _decode(eventType, data, _options.SerializerOptions);
            }
            catch (Exception error) when (error is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                Report(new EventStreamEventException(eventType, eventId,
                    $"The '{eventType}' event{(eventId is null ? "" : $" {eventId}")} could not be read: {error.Message} Check that the client's SerializerOptions match the server's.", error));
                @event = null;
            }

            if (@event is not null)
            {
                await DeliverAsync(eventType, eventId, @event, stop).ConfigureAwait(false);
            }
        }

        // After delivery: a reconnection resumes after the last event the app has seen.
        _lastEventId = lastEventId;
    }

    private async Task DeliverAsync(string eventType, string? eventId, TEvent @event, CancellationToken stop)
    {
        if (_events is not null)
        {
            await _events.Writer.WriteAsync(@event, stop).ConfigureAwait(false);
            return;
        }

        try
        {
            await _deliver!(@event, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            Report(new EventStreamEventException(eventType, eventId,
                $"The receiver threw while handling the '{eventType}' event: {error.Message}", error));
        }
    }

    private void ReadHello(string data)
    {
        try
        {
            using var hello = JsonDocument.Parse(data);
            if (ControlEvents.Text(hello.RootElement, "connectionId") is { } id)
            {
                _connectionId = id;
            }
        }
        catch (JsonException error)
        {
            Report(new EventStreamEventException(ControlEvents.Hello, null, "The server's hello is not the JSON docs/protocol.md describes.", error));
        }
    }

    private void SetState(EventStreamConnectionState state)
    {
        if (Interlocked.Exchange(ref _state, (int)state) != (int)state)
        {
            StateChanged?.Invoke(state);
        }
    }

    private void Report(Exception error)
    {
        try
        {
            _options.OnError?.Invoke(error);
        }
        catch (Exception)
        {
            // An error callback that throws must not end the connection it reports on.
        }
    }

    // The hub's side: the hub's request drives a subscription as a dedicated request drives its connection.

    void ISharedSubscription.SetState(EventStreamConnectionState state)
    {
        if (State != EventStreamConnectionState.Closed)
        {
            SetState(state);
        }
    }

    void ISharedSubscription.Started(string? connectionId, string from)
    {
        _connectionId = connectionId ?? _connectionId;
        if (from.Length > 0)
        {
            _lastEventId = from;
        }

        ((ISharedSubscription)this).SetState(EventStreamConnectionState.Open);
    }

    async Task ISharedSubscription.HandleAsync(string eventType, string data, string lastEventId)
    {
        await _delivering.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_stop.IsCancellationRequested)
            {
                await HandleEventAsync(eventType, data, lastEventId.Length > 0 ? lastEventId : null, lastEventId, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        finally
        {
            _delivering.Release();
        }
    }

    void ISharedSubscription.Report(Exception error) => Report(error);

    void ISharedSubscription.RunAlone() => _alone = RunAloneAsync();

    // Through a hub whose endpoint is not mapped: a request of its own, which ends the connection as the hub would.
    private async Task RunAloneAsync()
    {
        Exception? refusal = null;
        try
        {
            await Task.Run(RunAsync).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            refusal = error;
        }

        ((ISharedSubscription)this).Complete(refusal);
    }

    void ISharedSubscription.Complete(Exception? refusal)
    {
        SetState(EventStreamConnectionState.Closed);
        _events?.Writer.TryComplete(refusal);
        if (refusal is null)
        {
            _shared!.TrySetResult();
        }
        else
        {
            _shared!.TrySetException(refusal);
        }
    }
}
