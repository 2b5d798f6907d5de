namespace TypedSse;

/// <summary>Options for one stream endpoint, set at its <c>MapEventStream</c> call.</summary>
public sealed class EventStreamEndpointOptions
{
    /// <summary>
    /// Runs before the stream starts. It can reject the connection (for example with 204, which tells the client not
    /// to reconnect, or 403), and choose its topics and user id.
    /// </summary>
    public Func<EventStreamConnectingContext, ValueTask>? OnConnecting { get; set; }

    /// <summary>
    /// Runs once the connection is subscribed and its replay is queued, before live events are written. Use it to
    /// send an initial snapshot with <see cref="EventStreamConnection.Send{T}"/>.
    /// </summary>
    public Func<EventStreamConnection, CancellationToken, ValueTask>? OnConnected { get; set; }

    /// <summary>
    /// Whether the connection subscribes to the topic formed by the pattern's route values (see
    /// <see cref="RouteTopic"/>). Default true; ignored for a pattern without parameters.
    /// </summary>
    public bool TopicFromRoute { get; set; } = true;
}
