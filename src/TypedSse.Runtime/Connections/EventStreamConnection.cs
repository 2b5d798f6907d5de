using System.Buffers;
using System.IO.Pipelines;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using TypedSse.Diagnostics;
using TypedSse.Framing;
using TypedSse.Connections;

namespace TypedSse;

/// <summary>
/// One client connected to a stream: its identity, its topics, and a bounded outbound queue that a single writer
/// drains into the response, so a ping never interleaves with an event and a slow client never delays anyone else.
/// </summary>
public sealed class EventStreamConnection
{
    private const int FlushThresholdBytes = 64 * 1024;

    private readonly Channel<OutboundFrame> _queue;
    private readonly SlowConsumerPolicy _policy;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly TypedSseMetrics _metrics;
    private readonly CancellationTokenSource _closed = new();
    private long _lastActivity = Environment.TickCount64;
    private long _lastWrittenEventId;
    private int _overflowed;

    internal EventStreamConnection(
        string streamName,
        HttpContext httpContext,
        string? userId,
        IReadOnlySet<string> topics,
        JsonSerializerOptions serializerOptions,
        int queueCapacity,
        SlowConsumerPolicy policy,
        TypedSseMetrics metrics)
    {
        _serializerOptions = serializerOptions;
        Id = Guid.NewGuid().ToString("N");
        StreamName = streamName;
        HttpContext = httpContext;
        UserId = userId;
        Topics = topics;
        ConnectedAt = DateTimeOffset.UtcNow;
        _policy = policy;
        _metrics = metrics;
        _queue = Channel.CreateBounded<OutboundFrame>(
            new BoundedChannelOptions(queueCapacity)
            {
                SingleReader = true,
                SingleWriter = false,
                FullMode = policy == SlowConsumerPolicy.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            },
            policy == SlowConsumerPolicy.DropOldest ? _ => _metrics.EventDropped(StreamName) : null);
    }

    /// <summary>The connection's id, unique and opaque. Target it with <see cref="EventAudience.ForConnection"/>.</summary>
    public string Id { get; }

    /// <summary>The name of the stream the connection belongs to.</summary>
    public string StreamName { get; }

    /// <summary>The request of the connection.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The authenticated user of the request.</summary>
    public ClaimsPrincipal User => HttpContext.User;

    /// <summary>The user id that user-targeted events match, or null for an anonymous connection.</summary>
    public string? UserId { get; }

    /// <summary>The topics the connection is subscribed to.</summary>
    public IReadOnlySet<string> Topics { get; }

    /// <summary>When the connection was opened.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Canceled when the connection starts closing, for whatever reason.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>
    /// Sends an event to this connection only, outside the stream's history: it has no id and is never replayed.
    /// Use it for an initial snapshot. To send a replayable event to one connection, publish to the stream with
    /// <see cref="EventAudience.ForConnection"/>.
    /// </summary>
    /// <returns>True if the event was queued; false if the connection is closed or, under a dropping policy, full.</returns>
    /// <exception cref="ArgumentException">The event name contains CR or LF.</exception>
    public bool Send<T>(string? eventName, T data)
    {
        EventFields.ThrowIfInvalidEventName(eventName, nameof(eventName));
        var payload = PayloadEncoder.Encode(data, _serializerOptions);
        return Enqueue(new OutboundFrame(SseFrameWriter.FrameEvent(eventName, payload), 0));
    }

    /// <summary>Closes the connection after the events already queued are written. The client will reconnect.</summary>
    public void Close()
    {
        _queue.Writer.TryComplete();
        _closed.Cancel();
    }

    internal long LastWrittenEventId
    {
        get => _lastWrittenEventId;
        set => _lastWrittenEventId = value;
    }

    internal long IdleMilliseconds => Environment.TickCount64 - Volatile.Read(ref _lastActivity);

    internal bool Enqueue(StreamEvent streamEvent) => Enqueue(new OutboundFrame(streamEvent.Frame, streamEvent.Id));

    internal bool Enqueue(OutboundFrame frame)
    {
        if (_queue.Writer.TryWrite(frame))
        {
            return true;
        }

        if (_closed.IsCancellationRequested || Volatile.Read(ref _overflowed) != 0)
        {
            return false;
        }

        if (_policy == SlowConsumerPolicy.DropNewest)
        {
            _metrics.EventDropped(StreamName);
            return false;
        }

        // Disconnect: the client reconnects with its Last-Event-ID and catches up from the history.
        if (Interlocked.Exchange(ref _overflowed, 1) == 0)
        {
            _metrics.SlowConsumerDisconnected(StreamName);
            _queue.Writer.TryComplete();
            HttpContext.Abort();
        }
        return false;
    }

    /// <summary>Queues a send that waits for room instead of applying the slow-consumer policy.</summary>
    internal ValueTask EnqueueWaitingAsync(OutboundFrame frame, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(frame, cancellationToken);

    internal void EnqueuePing()
    {
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        _queue.Writer.TryWrite(new OutboundFrame(ControlEvents.PingFrame, 0));
    }

    internal bool WasDisconnectedAsSlow => Volatile.Read(ref _overflowed) != 0;

    /// <summary>Writes queued frames until the queue completes or the client goes away.</summary>
    internal async Task WriteQueuedAsync(PipeWriter body)
    {
        using var abort = HttpContext.RequestAborted.Register(static state => ((EventStreamConnection)state!).Close(), this);
        var reader = _queue.Reader;
        try
        {
            // No cancellation token on the waits: a cancelable wait allocates, an uncancelable one reuses a cached
            // awaitable. Aborts and shutdown complete the queue instead.
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                long bytes = 0;
                int events = 0;
                while (bytes < FlushThresholdBytes && reader.TryRead(out var frame))
                {
                    if (frame.EventId != 0)
                    {
                        if (frame.EventId <= _lastWrittenEventId)
                        {
                            continue;
                        }
                        _lastWrittenEventId = frame.EventId;
                        events++;
                    }
                    body.Write(frame.Frame.Span);
                    bytes += frame.Frame.Length;
                }

                Volatile.Write(ref _lastActivity, Environment.TickCount64);
                var flush = await body.FlushAsync().ConfigureAwait(false);
                _metrics.Written(StreamName, events, bytes);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException
            || HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-write; there is nobody left to tell.
        }
        finally
        {
            _queue.Writer.TryComplete();
            _closed.Cancel();
        }
    }
}
