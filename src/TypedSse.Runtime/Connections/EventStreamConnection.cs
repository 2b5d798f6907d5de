using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TypedSse.Connections;
using TypedSse.Framing;

namespace TypedSse;

/// <summary>
/// One client subscribed to a stream: its identity, its topics and its route values. Its events go out through the
/// response it belongs to, whose single writer and bounded queue it shares with the other subscriptions of a
/// multiplexed response (see <c>MapEventStreams</c>).
/// </summary>
public sealed class EventStreamConnection
{
    private readonly ConnectionOutput _output;
    private readonly int _subscription;
    private readonly JsonSerializerOptions _serializerOptions;

    internal EventStreamConnection(
        ConnectionOutput output,
        int subscription,
        string streamName,
        string? userId,
        IReadOnlySet<string> topics,
        RouteValueDictionary routeValues,
        JsonSerializerOptions serializerOptions,
        DateTimeOffset connectedAt)
    {
        _output = output;
        _subscription = subscription;
        _serializerOptions = serializerOptions;
        Id = output.IsMultiplexed ? output.Id + "-" + subscription.ToString(System.Globalization.CultureInfo.InvariantCulture) : output.Id;
        StreamName = streamName;
        UserId = userId;
        Topics = topics;
        RouteValues = routeValues;
        ConnectedAt = connectedAt;
    }

    /// <summary>The connection's id, unique and opaque. Target it with <see cref="EventAudience.ForConnection"/>.</summary>
    public string Id { get; }

    /// <summary>The name of the stream the connection belongs to.</summary>
    public string StreamName { get; }

    /// <summary>The request of the connection; for a multiplexed connection, the request that carries all of its subscriptions.</summary>
    public HttpContext HttpContext => _output.HttpContext;

    /// <summary>The authenticated user of the request.</summary>
    public ClaimsPrincipal User => HttpContext.User;

    /// <summary>The user id that user-targeted events match, or null for an anonymous connection.</summary>
    public string? UserId { get; }

    /// <summary>The topics the connection is subscribed to.</summary>
    public IReadOnlySet<string> Topics { get; }

    /// <summary>
    /// The values of the stream's route parameters for this connection, for example <c>room</c> of
    /// <c>/rooms/{room}/events</c>. Read these rather than <c>HttpContext.Request.RouteValues</c>, which belong to
    /// the multiplexed endpoint when the connection is one of its subscriptions.
    /// </summary>
    public RouteValueDictionary RouteValues { get; }

    /// <summary>When the connection was opened, by the app's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Canceled when the connection starts closing, for whatever reason.</summary>
    public CancellationToken Closed => _output.Closed;

    /// <summary>Whether the connection is one subscription of a multiplexed response.</summary>
    public bool IsMultiplexed => _output.IsMultiplexed;

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
        var frame = _output.IsMultiplexed
            ? SubscriptionFrames.FrameEvent(_subscription, eventName, payload)
            : SseFrameWriter.FrameEvent(eventName, payload);
        return _output.Enqueue(new OutboundFrame(frame, Subscription: _subscription));
    }

    /// <summary>
    /// Closes the connection after the events already queued are written; the client reconnects. A multiplexed
    /// response closes as a whole, and its client resumes every subscription.
    /// </summary>
    public void Close() => _output.Close();

    /// <summary>
    /// Closes the connection at once with a <c>typedsse:close</c> event that tells the client why (for example
    /// <c>"signed-out"</c>); events still queued are not written, and the client reconnects with fresh credentials.
    /// A multiplexed response closes as a whole.
    /// </summary>
    /// <returns>False if the connection was already closing.</returns>
    /// <exception cref="ArgumentException">The reason is empty, over 200 characters or holds a control character.</exception>
    public bool Close(string reason)
    {
        EventFields.ThrowIfInvalidCloseReason(reason, nameof(reason));
        return _output.CloseWith(reason);
    }

    internal ConnectionOutput Output => _output;

    internal int Subscription => _subscription;

    internal bool Enqueue(StreamEvent streamEvent) => _output.Enqueue(OutboundFrame.For(streamEvent, _subscription));
}
