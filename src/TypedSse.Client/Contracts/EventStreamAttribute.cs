namespace TypedSse;

/// <summary>
/// Declares an interface as a server-sent event stream contract. Each method of the interface is one event type;
/// the TypedSse source generator turns the interface into a typed sender, an endpoint mapping and a TypeScript client.
/// </summary>
/// <example>
/// <code>
/// [EventStream("/rooms/{room}/events")]
/// public interface IChatEvents
/// {
///     Task MessagePosted(ChatMessage message);
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class EventStreamAttribute : Attribute
{
    /// <summary>Declares a stream contract served at <paramref name="route"/>.</summary>
    /// <param name="route">The route template of the stream endpoint, for example <c>/rooms/{room}/events</c>.
    /// Route parameters scope the stream: a connection to <c>/rooms/lobby/events</c> receives events sent to room <c>lobby</c>.</param>
    public EventStreamAttribute(string route) => Route = route;

    /// <summary>The route template of the stream endpoint.</summary>
    public string Route { get; }

    /// <summary>The name of the stream. Defaults to the interface name without its leading <c>I</c> and trailing <c>Events</c>.</summary>
    public string? Name { get; set; }
}
