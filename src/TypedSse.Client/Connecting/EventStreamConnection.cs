using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace TypedSse.Client;

/// <summary>
/// One typed connection to an event stream: it connects, reads with <see cref="SseParser"/>, reconnects after the
/// server's <c>retry:</c> with <c>Last-Event-ID</c>, backs off with jitter after consecutive failures, drops a
/// connection the keep-alive watchdog finds silent, and stops for good on 204 and on a 4xx other than 408 and 429.
/// Events are delivered one at a time, in order. Dispose it to end it.
/// </summary>
/// <typeparam name="TEvent">The contract's generated event record hierarchy.</typeparam>
public sealed class EventStreamConnection<TEvent> : IAsyncDisposable
    where TEvent : class
{
    private const string HelloEvent = "typedsse:hello";
    private const string ResetEvent = "typedsse:reset";

    private readonly HttpClient _http;
    private readonly EventStreamClientOptions _options;
    private readonly TimeProvider _time;
    private readonly string _path;
    private readonly Func<string, string, JsonSerializerOptions, TEvent?> _decode;
    private readonly Func<EventStreamReset, TEvent> _reset;
    private readonly Func<TEvent, CancellationToken, Task>? _deliver;
    private readonly Channel<TEvent>? _events;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private TimeSpan _retry;
    private TimeSpan? _keepAlive;
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
        if (lastEventId is not null && (lastEventId.Contains('\r') || lastEventId.Contains('\n') || lastEventId.Contains('\0')))
        {
            throw new ArgumentException($"The last event id '{lastEventId}' contains CR, LF or NUL, which no event id can: pass an id the server sent.", nameof(lastEventId));
        }

        _http = client.HttpClient;
        _options = client.Options;
        _time = _options.TimeProvider ?? TimeProvider.System;
        _path = path;
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

        _run = Task.Run(RunAsync);
    }

    /// <summary>The stream's name, as the contract declares it.</summary>
    public string StreamName { get; }

    /// <summary>The path the connection requests, relative to the client's base address.</summary>
    public string Path => _path;

    /// <summary>Where the connection is now; <see cref="StateChanged"/> tells of every change.</summary>
    public EventStreamConnectionState State => (EventStreamConnectionState)Volatile.Read(ref _state);

    /// <summary>The id of the last event delivered (or the id the connection started from): what a reconnection resumes after.</summary>
    public string? LastEventId => _lastEventId;

    /// <summary>The server's id of the current connection, from its hello; null until the first hello.</summary>
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

    /// <summary>Ends the connection and waits until its request is closed and no receiver call is running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
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
                var outcome = await ConnectOnceAsync(stop).ConfigureAwait(false);
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
                var delay = outcome.RetryAfter ?? RetryDelay.Compute(failures, _retry, _options.MaxRetryDelay, _options.Random ?? System.Random.Shared.NextDouble);
                SetState(EventStreamConnectionState.WaitingToReconnect);
                await Task.Delay(delay, _time, stop).ConfigureAwait(false);
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

    private readonly record struct Outcome(bool Opened, bool Stop, Exception? Error = null, TimeSpan? RetryAfter = null, Exception? Refusal = null);

    private async Task<Outcome> ConnectOnceAsync(CancellationToken stop)
    {
        using var watchdog = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop, watchdog.Token);
        var opened = false;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_path, UriKind.RelativeOrAbsolute));
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (_lastEventId is { Length: > 0 } lastEventId)
            {
                request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
            }

            if (_options.ConfigureRequest is { } configure)
            {
                await configure(request, attempt.Token).ConfigureAwait(false);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return new Outcome(false, Stop: true);
            }

            if (!response.IsSuccessStatusCode)
            {
                var error = new EventStreamHttpException(response.StatusCode, _path);
                var status = (int)response.StatusCode;
                if (status >= 500 || status is 408 or 429)
                {
                    return new Outcome(false, Stop: false, error, RetryAfter(response));
                }

                return new Outcome(false, Stop: true, Refusal: error);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                return new Outcome(false, Stop: true, Refusal: new EventStreamContentTypeException(response.Content.Headers.ContentType?.ToString(), _path));
            }

            opened = true;
            SetState(EventStreamConnectionState.Open);
            var body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
            await using var activity = new ActivityStream(body, () => Touch(watchdog));
            Touch(watchdog);
            var parser = SseParser.Create(activity, static (_, data) => Encoding.UTF8.GetString(data));
            await foreach (var item in parser.EnumerateAsync(attempt.Token).ConfigureAwait(false))
            {
                if (parser.ReconnectionInterval is { } retry && retry >= TimeSpan.Zero && retry != Timeout.InfiniteTimeSpan)
                {
                    _retry = retry;
                }

                await HandleAsync(item, parser.LastEventId, watchdog, stop).ConfigureAwait(false);
            }

            return new Outcome(opened, Stop: false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return new Outcome(opened, Stop: true);
        }
        catch (OperationCanceledException) when (watchdog.IsCancellationRequested)
        {
            return new Outcome(opened, Stop: false, new EventStreamTimeoutException(WatchdogTimeout() ?? TimeSpan.Zero));
        }
        catch (Exception error) when (error is HttpRequestException or IOException or OperationCanceledException)
        {
            return new Outcome(opened, Stop: false, error);
        }
        catch (Exception error) when (!opened)
        {
            // The request callback threw: a failed attempt, retried like a network error.
            return new Outcome(opened, Stop: false, error);
        }
    }

    private async Task HandleAsync(SseItem<string> item, string lastEventId, CancellationTokenSource watchdog, CancellationToken stop)
    {
        switch (item.EventType)
        {
            case HelloEvent:
                ReadHello(item.Data);
                Touch(watchdog);
                return;
            case ResetEvent:
                await DeliverAsync(item, _reset(ReadReset(item.Data)), stop).ConfigureAwait(false);
                break;
            default:
                TEvent? @event;
                try
                {
                    @event = _decode(item.EventType, item.Data, _options.SerializerOptions);
                }
                catch (Exception error) when (error is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
                {
                    Report(new EventStreamEventException(item.EventType, item.EventId,
                        $"The '{item.EventType}' event{(item.EventId is null ? "" : $" {item.EventId}")} could not be read: {error.Message} Check that the client's SerializerOptions match the server's.", error));
                    @event = null;
                }

                if (@event is not null)
                {
                    await DeliverAsync(item, @event, stop).ConfigureAwait(false);
                }

                break;
        }

        // After delivery: a reconnection resumes after the last event the app has seen.
        _lastEventId = lastEventId;
    }

    private async Task DeliverAsync(SseItem<string> item, TEvent @event, CancellationToken stop)
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
            Report(new EventStreamEventException(item.EventType, item.EventId,
                $"The receiver threw while handling the '{item.EventType}' event: {error.Message}", error));
        }
    }

    private void ReadHello(string data)
    {
        try
        {
            using var hello = JsonDocument.Parse(data);
            var root = hello.RootElement;
            if (root.TryGetProperty("connectionId", out var id) && id.ValueKind == JsonValueKind.String)
            {
                _connectionId = id.GetString();
            }

            if (root.TryGetProperty("keepAliveMs", out var keepAlive) && keepAlive.TryGetInt64(out var ms) && ms > 0)
            {
                _keepAlive = TimeSpan.FromMilliseconds(ms);
            }
        }
        catch (JsonException error)
        {
            Report(new EventStreamEventException(HelloEvent, null, "The server's hello is not the JSON docs/protocol.md describes.", error));
        }
    }

    private static EventStreamReset ReadReset(string data)
    {
        using var reset = JsonDocument.Parse(data);
        var root = reset.RootElement;
        return new EventStreamReset(Text(root, "reason"), Text(root, "lastEventId"), Text(root, "latestEventId"));

        static string Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
    }

    private TimeSpan? WatchdogTimeout() => _keepAlive is { } keepAlive ? keepAlive * _options.KeepAliveTimeoutFactor : null;

    private void Touch(CancellationTokenSource watchdog)
    {
        if (WatchdogTimeout() is { } timeout)
        {
            try
            {
                watchdog.CancelAfter(timeout);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        var delay = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - _time.GetUtcNow() : null);
        return delay is { } d ? (d < TimeSpan.Zero ? TimeSpan.Zero : d) : null;
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
}
