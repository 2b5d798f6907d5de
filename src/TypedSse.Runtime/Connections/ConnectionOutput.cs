using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using TypedSse.Diagnostics;
using TypedSse.Framing;

namespace TypedSse.Connections;

/// <summary>
/// The response of one event-stream request: a bounded queue that a single writer drains into the body, so a ping
/// never interleaves with an event and a slow client never delays anyone else. A single-stream response carries one
/// subscription; a multiplexed one carries several, and frames each event with its subscription and the cursor.
/// </summary>
internal sealed class ConnectionOutput
{
    private const int FlushThresholdBytes = 64 * 1024;
    private const int Open = 0, Closing = 1, Overflowed = 2;

    private readonly Channel<OutboundFrame> _queue;
    private readonly SlowConsumerPolicy _policy;
    private readonly TypedSseMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closed = new();
    private readonly long[] _positions;
    private readonly int[] _eventsWritten;
    private readonly string[] _streamNames;
    private readonly int _bytesSubscription;
    private long _lastActivity;
    private int _state;
    private string? _closeReason;
    private string[] _users = [];
    private long _expiresAtTicks = long.MaxValue;
    private ITimer? _expiry;
    private long _finalRetryMs = -1;

    /// <summary>
    /// <paramref name="subscriptions"/> names the stream of each subscription, in request order, null for one that
    /// was refused; a single-stream response has one.
    /// </summary>
    public ConnectionOutput(HttpContext httpContext, string?[] subscriptions, bool multiplexed, int queueCapacity,
        SlowConsumerPolicy policy, TypedSseMetrics metrics, TimeProvider time)
    {
        HttpContext = httpContext;
        Id = Guid.NewGuid().ToString("N");
        IsMultiplexed = multiplexed;
        _policy = policy;
        _metrics = metrics;
        _time = time;
        _lastActivity = time.GetTimestamp();
        _streamNames = Array.ConvertAll(subscriptions, s => s ?? "");
        _bytesSubscription = Math.Max(0, Array.FindIndex(subscriptions, s => s is not null));
        _positions = new long[subscriptions.Length];
        Array.Fill(_positions, SubscriptionFrames.NoPosition);
        _eventsWritten = new int[subscriptions.Length];
        _queue = Channel.CreateBounded<OutboundFrame>(
            new BoundedChannelOptions(queueCapacity)
            {
                SingleReader = true,
                SingleWriter = false,
                FullMode = policy == SlowConsumerPolicy.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            },
            policy == SlowConsumerPolicy.DropOldest ? dropped => _metrics.EventDropped(StreamOf(dropped)) : null);
    }

    public string Id { get; }

    public HttpContext HttpContext { get; }

    public bool IsMultiplexed { get; }

    public PipeWriter Body => HttpContext.Response.BodyWriter;

    public CancellationToken Closed => _closed.Token;

    public bool WasDisconnectedAsSlow => Volatile.Read(ref _state) == Overflowed;

    public TimeSpan Idle => _time.GetElapsedTime(Volatile.Read(ref _lastActivity));

    /// <summary>The user ids of the response's subscriptions (a multiplexed response may carry several).</summary>
    public IReadOnlyList<string> Users => Volatile.Read(ref _users);

    /// <summary>Why the server ended the response on purpose, if it did (the reason of its <c>typedsse:close</c>).</summary>
    public string? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>The last event id written on each subscription, as the client's cursor has it.</summary>
    public ReadOnlySpan<long> Positions => _positions;

    /// <summary>Sets where a subscription starts, before anything of it is written.</summary>
    public void SetPosition(int subscription, long eventId) => _positions[subscription] = eventId;

    public bool Enqueue(in OutboundFrame frame)
    {
        if (_queue.Writer.TryWrite(frame))
        {
            return true;
        }

        // A full queue, or one completed by a close. Close marks the state before it completes the queue, so a
        // write that failed because of a close always sees it here and is not taken for a slow consumer.
        if (Volatile.Read(ref _state) != Open)
        {
            return false;
        }

        if (_policy == SlowConsumerPolicy.DropNewest)
        {
            _metrics.EventDropped(StreamOf(frame));
            return false;
        }

        // Disconnect: the client reconnects with its Last-Event-ID and catches up from the history.
        if (Interlocked.CompareExchange(ref _state, Overflowed, Open) == Open)
        {
            _metrics.SlowConsumerDisconnected(StreamOf(frame));
            _queue.Writer.TryComplete();
            _closed.Cancel();
            HttpContext.Abort();
        }
        return false;
    }

    /// <summary>Queues a send that waits for room instead of applying the slow-consumer policy.</summary>
    public ValueTask EnqueueWaitingAsync(OutboundFrame frame, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(frame, cancellationToken);

    public void EnqueuePing()
    {
        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
        _queue.Writer.TryWrite(new OutboundFrame(ControlEvents.PingFrame));
    }

    /// <summary>Records a user of one of the response's subscriptions, before the response is tracked.</summary>
    public void AddUser(string? userId)
    {
        if (userId is not null && Array.IndexOf(_users, userId) < 0)
        {
            Volatile.Write(ref _users, [.. _users, userId]);
        }
    }

    /// <summary>
    /// Ends the response with a <c>typedsse:close</c> at <paramref name="expiresAt"/>, when the credentials it was
    /// opened with expire. The writer checks the clock too, so nothing queued after that moment is written even
    /// if the timer runs late. Called again (a multiplexed response's subscriptions may each have credentials of their
    /// own), the earliest expiry holds.
    /// </summary>
    public void ExpireAt(DateTimeOffset expiresAt)
    {
        long ticks = expiresAt.UtcTicks;
        long current;
        do
        {
            current = Volatile.Read(ref _expiresAtTicks);
            if (current <= ticks)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _expiresAtTicks, ticks, current) != current);
        var due = expiresAt - _time.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            CloseWith(ControlEvents.CredentialsExpiredReason);
            return;
        }
        var timer = _time.CreateTimer(static state => ((ConnectionOutput)state!).CloseWith(ControlEvents.CredentialsExpiredReason),
            this, due, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _expiry, timer)?.Dispose();
        if (Volatile.Read(ref _state) != Open)
        {
            Interlocked.Exchange(ref _expiry, null)?.Dispose();
        }
    }

    /// <summary>
    /// Ends the response at once, dropping the frames still queued, with a <c>typedsse:close</c> that tells the
    /// client why, so it reconnects with fresh credentials (its last event id is unchanged: it misses nothing it may
    /// still receive).
    /// </summary>
    /// <returns>False if the response was already closing.</returns>
    public bool CloseWith(string reason)
    {
        if (Volatile.Read(ref _state) != Open || Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return false;
        }
        Close();
        return true;
    }

    /// <summary>
    /// Ends the response after the frames already queued are written, with a last <c>retry:</c> of
    /// <paramref name="retry"/>: on shutdown each connection gets its own, so that its clients come back spread out.
    /// </summary>
    public void CloseWithRetry(TimeSpan retry)
    {
        Interlocked.CompareExchange(ref _finalRetryMs, (long)retry.TotalMilliseconds, -1);
        Close();
    }

    /// <summary>Ends the response after the frames already queued are written. The client will reconnect.</summary>
    public void Close()
    {
        Interlocked.CompareExchange(ref _state, Closing, Open);
        _queue.Writer.TryComplete();
        _closed.Cancel();
        Interlocked.Exchange(ref _expiry, null)?.Dispose();
    }

    /// <summary>
    /// Writes a stream event of a subscription unless the subscription is already past it (a live event that the
    /// replay covered). Only the writer calls it: the replay before <see cref="WriteQueuedAsync"/>, then that loop.
    /// </summary>
    /// <returns>The bytes written.</returns>
    public int WriteEvent(int subscription, StreamEvent streamEvent)
    {
        if (streamEvent.Id <= _positions[subscription])
        {
            return 0;
        }
        _positions[subscription] = streamEvent.Id;
        if (!IsMultiplexed)
        {
            Body.Write(streamEvent.Frame.Span);
            return streamEvent.Frame.Length;
        }
        int header = SubscriptionFrames.WriteEventHeader(Body, subscription, streamEvent.EventNameBytes.Span, _positions);
        Body.Write(streamEvent.DataLines.Span);
        return header + streamEvent.DataLines.Length;
    }

    /// <summary>Tells a subscription's client that the history cannot replay what it missed, and moves it to the newest id.</summary>
    public void WriteReset(int subscription, string reason, long requestedId, long latestId)
    {
        _positions[subscription] = latestId;
        ControlEvents.WriteReset(Body, IsMultiplexed ? subscription : null, reason, requestedId, latestId, _positions);
    }

    /// <summary>Writes queued frames until the queue completes or the client goes away.</summary>
    public async Task WriteQueuedAsync()
    {
        using var abort = HttpContext.RequestAborted.Register(static state => ((ConnectionOutput)state!).Close(), this);
        var reader = _queue.Reader;
        var body = Body;
        try
        {
            // No cancellation token on the waits: a cancelable wait allocates, an uncancelable one reuses a cached
            // awaitable. Aborts and shutdown complete the queue instead.
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                if (Volatile.Read(ref _expiresAtTicks) != long.MaxValue && _time.GetUtcNow().UtcTicks >= Volatile.Read(ref _expiresAtTicks))
                {
                    CloseWith(ControlEvents.CredentialsExpiredReason);
                }
                long bytes = 0;
                while (bytes < FlushThresholdBytes && Volatile.Read(ref _closeReason) is null && reader.TryRead(out var frame))
                {
                    if (frame.Event is { } streamEvent)
                    {
                        int written = WriteEvent(frame.Subscription, streamEvent);
                        if (written > 0)
                        {
                            bytes += written;
                            _eventsWritten[frame.Subscription]++;
                        }
                    }
                    else
                    {
                        body.Write(frame.Bytes.Span);
                        bytes += frame.Bytes.Length;
                    }
                }

                Volatile.Write(ref _lastActivity, _time.GetTimestamp());
                var flush = await body.FlushAsync().ConfigureAwait(false);
                ReportWritten(bytes);
                if (flush.IsCompleted || flush.IsCanceled || Volatile.Read(ref _closeReason) is not null)
                {
                    break;
                }
            }
            if (Volatile.Read(ref _closeReason) is { } reason)
            {
                ControlEvents.WriteClose(body, reason);
                await body.FlushAsync().ConfigureAwait(false);
            }
            else if (Volatile.Read(ref _finalRetryMs) is >= 0 and var retryMs)
            {
                body.Write(SseFrameWriter.FrameRetry(TimeSpan.FromMilliseconds(retryMs)).Span);
                await body.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException
            || HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-write; there is nobody left to tell.
        }
        finally
        {
            Close();
        }
    }

    private void ReportWritten(long bytes)
    {
        // The bytes of a response are counted once, on its first subscription's stream.
        for (int i = 0; i < _eventsWritten.Length; i++)
        {
            long subscriptionBytes = i == _bytesSubscription ? bytes : 0;
            if (_eventsWritten[i] > 0 || subscriptionBytes > 0)
            {
                _metrics.Written(_streamNames[i], _eventsWritten[i], subscriptionBytes);
                _eventsWritten[i] = 0;
            }
        }
    }

    private string StreamOf(in OutboundFrame frame) => _streamNames[frame.Subscription];
}
