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

/// <summary>What every stream endpoint shares: negotiation, the response start, and connection bookkeeping.</summary>
internal sealed class EventStreamServer(
    EventStreams streams,
    EventFanOut fanOut,
    IEventHistory history,
    ConnectionTracker tracker,
    IOptions<TypedSseOptions> options,
    TypedSseMetrics metrics,
    LastEventIdReader lastEventIds,
    ILogger<EventStreams> logger)
{
    public TypedSseOptions Options { get; } = options.Value;

    public EventStreams Streams => streams;

    public EventFanOut FanOut => fanOut;

    public IEventHistory History => history;

    public TypedSseMetrics Metrics => metrics;

    public ILogger Logger => logger;

    public LastEventIdReader LastEventIds => lastEventIds;

    /// <summary>Answers 406 and returns false if the client does not accept <c>text/event-stream</c>.</summary>
    public bool Negotiate(HttpContext context, string stream)
    {
        if (AcceptNegotiation.AcceptsEventStream(context.Request))
        {
            return true;
        }
        Log.NotAcceptable(logger, stream, context.Request.Headers.Accept.ToString());
        context.Response.StatusCode = StatusCodes.Status406NotAcceptable;
        return false;
    }

    public EventStreamConnection CreateConnection(HttpContext context, string stream, string? userId, IReadOnlySet<string> topics) =>
        new(stream, context, userId, topics, streams.SerializerOptions, Options.MaxQueuedEventsPerConnection, Options.SlowConsumerPolicy, metrics);

    /// <summary>Sends the headers and the preamble at once, so the client's <c>open</c> fires before the first event.</summary>
    public async Task StartResponseAsync(HttpContext context, EventStreamConnection connection)
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

        ControlEvents.WritePreamble(response.BodyWriter, connection.Id, Options.KeepAliveInterval, Options.RetryInterval);
        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public void Opened(EventStreamConnection connection)
    {
        tracker.Add(connection);
        metrics.ConnectionOpened(connection.StreamName);
        Log.ConnectionOpened(logger, connection.StreamName, connection.Id, connection.UserId);
    }

    public void Closed(EventStreamConnection connection)
    {
        tracker.Remove(connection);
        metrics.ConnectionClosed(connection.StreamName);
        if (connection.WasDisconnectedAsSlow)
        {
            Log.SlowConsumerDisconnected(logger, connection.StreamName, connection.Id, Options.MaxQueuedEventsPerConnection);
        }
        Log.ConnectionClosed(logger, connection.StreamName, connection.Id);
    }

    public static bool IsClientGone(HttpContext context, Exception exception) =>
        context.RequestAborted.IsCancellationRequested && exception is IOException or OperationCanceledException or ObjectDisposedException;
}
