using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TypedSse.Connections;
using TypedSse.Framing;

namespace TypedSse;

/// <summary>
/// The response of a per-connection stream (<c>MapEventStream(pattern, handler)</c>): the handler writes events to
/// this one client, with ids of its own choosing, and can replay from its own store after <see cref="LastEventId"/>.
/// Writes wait while the client's queue is full, and keep-alive pings never interleave with them.
/// </summary>
public sealed class EventStreamResponse
{
    private readonly JsonSerializerOptions _serializerOptions;

    internal EventStreamResponse(EventStreamConnection connection, string? lastEventId, JsonSerializerOptions serializerOptions)
    {
        Connection = connection;
        LastEventId = lastEventId;
        _serializerOptions = serializerOptions;
    }

    /// <summary>The connection.</summary>
    public EventStreamConnection Connection { get; }

    /// <summary>The request.</summary>
    public HttpContext HttpContext => Connection.HttpContext;

    /// <summary>
    /// The id the client last saw (Last-Event-ID header or lastEventId query parameter), or null on a first connect
    /// or when the value was malformed (control characters, over 1,024 characters).
    /// </summary>
    public string? LastEventId { get; }

    /// <summary>Sends <paramref name="data"/> as JSON.</summary>
    /// <param name="eventName">The <c>event:</c> field, or null for <c>message</c>.</param>
    /// <param name="data">The payload.</param>
    /// <param name="id">The <c>id:</c> field, or null to leave the client's last event id as it is.</param>
    /// <param name="cancellationToken">Cancels waiting for room in the queue.</param>
    /// <exception cref="ArgumentException">The event name contains CR or LF, or the id contains a control character or is over 1,024 characters.</exception>
    public ValueTask SendAsync<T>(string? eventName, T data, string? id = null, CancellationToken cancellationToken = default)
    {
        Validate(eventName, id);
        return SendFrameAsync(eventName, PayloadEncoder.Encode(data, _serializerOptions), id, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="text"/> as it is, in UTF-8, one <c>data:</c> line per line. A lone surrogate in the text, the
    /// event name or the id has no UTF-8 form and is sent as U+FFFD.
    /// </summary>
    /// <exception cref="ArgumentException">The event name contains CR or LF, or the id contains a control character or is over 1,024 characters.</exception>
    public ValueTask SendTextAsync(string? eventName, string text, string? id = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        Validate(eventName, id);
        return SendFrameAsync(eventName, PayloadEncoder.Encode(text), id, cancellationToken);
    }

    /// <summary>Sends a comment, which clients ignore; one comment line per line of <paramref name="text"/>.</summary>
    public ValueTask SendCommentAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Connection.Output.EnqueueWaitingAsync(new OutboundFrame(SseFrameWriter.FrameComment(text)), cancellationToken);
    }

    /// <summary>Tells the client to wait <paramref name="delay"/> before reconnecting.</summary>
    public ValueTask SetRetryAsync(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return Connection.Output.EnqueueWaitingAsync(new OutboundFrame(SseFrameWriter.FrameRetry(delay)), cancellationToken);
    }

    private ValueTask SendFrameAsync(string? eventName, byte[] payload, string? id, CancellationToken cancellationToken)
    {
        return Connection.Output.EnqueueWaitingAsync(new OutboundFrame(SseFrameWriter.FrameEvent(eventName, payload, id)), cancellationToken);
    }

    private static void Validate(string? eventName, string? id)
    {
        EventFields.ThrowIfInvalidEventName(eventName, "eventName");
        EventFields.ThrowIfInvalidId(id, "id");
    }
}
