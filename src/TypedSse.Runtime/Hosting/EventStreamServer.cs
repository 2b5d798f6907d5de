using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSse.Connections;
using TypedSse.Diagnostics;
using TypedSse.Framing;
using TypedSse.History;
using TypedSse.Streams;

namespace TypedSse.Hosting;

/// <summary>What every stream endpoint shares: negotiation, the response start, and serving its subscriptions.</summary>
internal sealed class EventStreamServer(
    EventStreams streams,
    EventFanOut fanOut,
    IEventHistory history,
    ConnectionTracker tracker,
    IOptions<TypedSseOptions> options,
    TypedSseMetrics metrics,
    TimeProvider time,
    LastEventIdReader lastEventIds,
    ConnectionLimiter limiter,
    ILogger<EventStreams> logger)
{
    public TypedSseOptions Options { get; } = options.Value;

    public EventStreams Streams => streams;

    public IEventHistory History => history;

    public TypedSseMetrics Metrics => metrics;

    public ILogger Logger => logger;

    public LastEventIdReader LastEventIds => lastEventIds;

    /// <summary>
    /// Answers 406 with a text/plain body that says what to send, and returns false, if the client does not accept
    /// <c>text/event-stream</c>.
    /// </summary>
    public bool Negotiate(HttpContext context, string stream)
    {
        if (AcceptNegotiation.AcceptsEventStream(context.Request))
        {
            return true;
        }
        string accept = context.Request.Headers.Accept.ToString();
        Log.NotAcceptable(logger, stream, accept);
        byte[] body = Encoding.UTF8.GetBytes(
            $"This endpoint serves Server-Sent Events (text/event-stream), which the request's Accept header '{accept}' excludes. " +
            "Send 'Accept: text/event-stream' (EventSource and the TypedSse clients do), or no Accept header.\n");
        context.Response.StatusCode = StatusCodes.Status406NotAcceptable;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        // Buffered in the response's pipe, which the server flushes when the endpoint returns: no write to await here.
        context.Response.BodyWriter.Write(body);
        return false;
    }

    /// <summary>
    /// The response's queue and writer; it ends when the request's credentials expire, unless that is turned off, and
    /// when they fail a re-validation, if that is turned on (of the request's endpoint and of
    /// <paramref name="subscriptionEndpoints"/>, those a multiplexed request's subscriptions were found at).
    /// </summary>
    public ConnectionOutput CreateOutput(HttpContext context, string?[] streamNames, bool multiplexed, Endpoint?[]? subscriptionEndpoints = null)
    {
        var output = new ConnectionOutput(context, streamNames, multiplexed, Options.MaxQueuedEventsPerConnection, Options.SlowConsumerPolicy, metrics, time);
        if (Options.CloseWhenCredentialsExpire && CredentialExpiry.Of(context) is { } expiresAt)
        {
            output.ExpireAt(expiresAt);
        }
        if (Options.RevalidateCredentialsInterval is { } interval)
        {
            CredentialRevalidation.Start(context, output, [context.GetEndpoint(), .. subscriptionEndpoints ?? []], interval, time, logger);
        }
        return output;
    }

    public EventStreamConnection CreateConnection(ConnectionOutput output, int subscription, string stream, string? userId,
        IReadOnlySet<string> topics, Microsoft.AspNetCore.Routing.RouteValueDictionary routeValues)
    {
        output.AddUser(userId);
        return new(output, subscription, stream, userId, topics, routeValues, streams.SerializerOptions, time.GetUtcNow());
    }

    /// <summary>
    /// Serves the admitted subscriptions of one response until it closes: subscribes them, says hello with where
    /// each starts, replays what each missed, runs their <c>OnConnected</c> hooks, then writes live events.
    /// </summary>
    public async Task ServeAsync(HttpContext context, SubscriptionRequest[] requests, bool multiplexed)
    {
        using var lease = await limiter.AcquireAsync(context).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }
        var output = CreateOutput(context, Array.ConvertAll(requests, r => r.Admitted?.Endpoint.StreamName), multiplexed,
            Array.ConvertAll(requests, r => r.Admitted?.RouteEndpoint));
        foreach (var request in requests)
        {
            if (Options.CloseWhenCredentialsExpire && request.Admitted?.CredentialsExpireAt is { } expiresAt)
            {
                output.ExpireAt(expiresAt);
            }
        }
        var connections = new EventStreamConnection?[requests.Length];
        for (int i = 0; i < requests.Length; i++)
        {
            if (requests[i].Admitted is { } admitted)
            {
                connections[i] = CreateConnection(output, i, admitted.Endpoint.StreamName, admitted.UserId, admitted.Topics, admitted.RouteValues);
            }
        }
        if (multiplexed)
        {
            metrics.MultiplexedConnectionOpened();
        }
        tracker.Add(output);
        try
        {
            // Subscribe before the client hears anything: once its hello arrives, nothing published is missed. It is
            // also before reading the history, so an event published meanwhile is either in the history read or
            // queued, and the writer skips queued ids the replay already covered.
            for (int i = 0; i < requests.Length; i++)
            {
                if (connections[i] is { } connection)
                {
                    long delivered = fanOut[connection.StreamName].Add(connection);
                    Opened(connection);
                    output.SetPosition(i, requests[i].Admitted!.LastEventId ?? await StartPositionAsync(connection, delivered, context.RequestAborted).ConfigureAwait(false));
                }
            }

            await StartResponseAsync(context, output, requests, connections).ConfigureAwait(false);
            for (int i = 0; i < requests.Length; i++)
            {
                if (connections[i] is { } connection && requests[i].Admitted!.LastEventId is long after
                    && !await requests[i].Admitted!.Endpoint.ReplayAsync(output, connection, after, context.RequestAborted).ConfigureAwait(false))
                {
                    return;
                }
            }
            for (int i = 0; i < requests.Length; i++)
            {
                if (connections[i] is { } connection && requests[i].Admitted!.Endpoint.Options.OnConnected is { } onConnected)
                {
                    await onConnected(connection, connection.Closed).ConfigureAwait(false);
                }
            }
            await output.WriteQueuedAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsClientGone(context, ex))
        {
        }
        finally
        {
            foreach (var connection in connections)
            {
                if (connection is not null)
                {
                    fanOut[connection.StreamName].Remove(connection);
                }
            }
            output.Close();
            foreach (var connection in connections)
            {
                if (connection is not null)
                {
                    Closed(connection);
                }
            }
            tracker.Remove(output);
            ClosedByServer(output);
            if (multiplexed)
            {
                metrics.MultiplexedConnectionClosed();
            }
        }
    }

    /// <summary>Serves a per-connection handler's response: a single subscription outside every registry.</summary>
    public async Task ServeHandlerAsync(HttpContext context, string stream, Func<EventStreamConnection, Task> handle)
    {
        using var lease = await limiter.AcquireAsync(context).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }
        var output = CreateOutput(context, [stream], multiplexed: false);
        var connection = CreateConnection(output, 0, stream, Options.UserIdSelector(context.User), NoTopics, context.Request.RouteValues);
        tracker.Add(output);
        Opened(connection);
        Task writing = Task.CompletedTask;
        try
        {
            SetStreamHeaders(context);
            ControlEvents.WritePreamble(output.Body, output.Id, Options.KeepAliveInterval, Options.RetryInterval, startId: null);
            await output.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            writing = output.WriteQueuedAsync();
            await handle(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsClientGone(context, ex)
            || (connection.Closed.IsCancellationRequested && ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException))
        {
            // The connection closed under the handler (client gone, slow consumer, shutdown).
        }
        finally
        {
            output.Close();
            await writing.ConfigureAwait(false);
            Closed(connection);
            tracker.Remove(output);
            ClosedByServer(output);
        }
    }

    private static readonly IReadOnlySet<string> NoTopics = new HashSet<string>();

    /// <summary>
    /// Where a new subscription starts: after the last event this instance delivered of its stream, or, before the
    /// first, the history's newest. Without either, it starts with no position, as a client without an id does.
    /// </summary>
    private async ValueTask<long> StartPositionAsync(EventStreamConnection connection, long delivered, CancellationToken cancellationToken)
    {
        if (delivered > 0)
        {
            return delivered;
        }
        try
        {
            return await history.ReadLatestEventIdAsync(connection.StreamName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StartPositionFailed(logger, ex, connection.StreamName, connection.Id);
            return SubscriptionFrames.NoPosition;
        }
    }

    /// <summary>Sends the headers and the preamble at once, so the client's <c>open</c> fires before the first event.</summary>
    private async Task StartResponseAsync(HttpContext context, ConnectionOutput output, SubscriptionRequest[] requests, EventStreamConnection?[] connections)
    {
        SetStreamHeaders(context);
        if (output.IsMultiplexed)
        {
            var hellos = new ControlEvents.SubscriptionHello[requests.Length];
            for (int i = 0; i < requests.Length; i++)
            {
                if (connections[i] is { } connection)
                {
                    hellos[i] = new(requests[i].Path, connection.StreamName, connection.Id, null);
                }
                else
                {
                    hellos[i] = new(requests[i].Path, null, null, requests[i].RefusedWith);
                    Log.SubscriptionRefused(logger, output.Id, i, requests[i].Path, requests[i].RefusedWith);
                }
            }
            ControlEvents.WriteMultiplexedPreamble(output.Body, output.Id, Options.KeepAliveInterval, Options.RetryInterval, hellos, output.Positions);
        }
        else
        {
            long start = output.Positions[0];
            ControlEvents.WritePreamble(output.Body, output.Id, Options.KeepAliveInterval, Options.RetryInterval,
                start == SubscriptionFrames.NoPosition ? null : start);
        }
        await output.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void SetStreamHeaders(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        // Response compression middleware picks its encoder from Accept-Encoding when buffering is disabled or at the
        // first write; with none, it passes the stream through uncompressed and each event leaves when flushed.
        context.Request.Headers.AcceptEncoding = default;
        if (context.Features.Get<IHttpsCompressionFeature>() is { } compression)
        {
            compression.Mode = HttpsCompressionMode.DoNotCompress;
        }
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private void Opened(EventStreamConnection connection)
    {
        metrics.ConnectionOpened(connection.StreamName);
        Log.ConnectionOpened(logger, connection.StreamName, connection.Id, connection.UserId);
    }

    private void Closed(EventStreamConnection connection)
    {
        metrics.ConnectionClosed(connection.StreamName);
        if (connection.Output.WasDisconnectedAsSlow)
        {
            Log.SlowConsumerDisconnected(logger, connection.StreamName, connection.Id, Options.MaxQueuedEventsPerConnection);
        }
        Log.ConnectionClosed(logger, connection.StreamName, connection.Id);
    }

    private void ClosedByServer(ConnectionOutput output)
    {
        if (output.CloseReason is { } reason)
        {
            metrics.ClosedByServer(reason);
            Log.ClosedByServer(logger, output.Id, reason);
        }
    }

    public static bool IsClientGone(HttpContext context, Exception exception) =>
        context.RequestAborted.IsCancellationRequested && exception is IOException or OperationCanceledException or ObjectDisposedException;
}
