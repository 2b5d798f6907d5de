namespace TypedSse;

/// <summary>
/// Marks an endpoint mapped by TypedSse, for API description tools: which kind of stream endpoint it is, its
/// pattern, and, for a named stream, its name. What the stream sends is in <see cref="EventStreamDescription"/>.
/// </summary>
public sealed class EventStreamEndpointMetadata
{
    internal EventStreamEndpointMetadata(EventStreamEndpointKind kind, string pattern, string? streamName)
    {
        Kind = kind;
        Pattern = pattern;
        StreamName = streamName;
    }

    /// <summary>Which kind of stream endpoint it is.</summary>
    public EventStreamEndpointKind Kind { get; }

    /// <summary>The route pattern it was mapped with.</summary>
    public string Pattern { get; }

    /// <summary>The named stream it serves, for <see cref="EventStreamEndpointKind.Stream"/>.</summary>
    public string? StreamName { get; }
}

/// <summary>The kinds of endpoint TypedSse maps.</summary>
public enum EventStreamEndpointKind
{
    /// <summary>A named stream (<c>MapEventStream(pattern, streamName)</c>, a generated <c>Map…Events</c>).</summary>
    Stream,

    /// <summary>The endpoint that carries many streams in one response (<c>MapEventStreams</c>).</summary>
    Multiplexed,

    /// <summary>A per-connection stream written by the app's handler (<c>MapEventStream(pattern, handler)</c>).</summary>
    Handler,
}
