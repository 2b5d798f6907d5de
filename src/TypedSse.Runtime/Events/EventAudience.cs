
namespace TypedSse;

/// <summary>
/// Who receives an event: every condition that is set must hold (they combine with AND). The default audience is
/// every connection of the stream. The same audience decides who gets the event on replay, so an event for one user
/// is never replayed to another.
/// </summary>
public readonly record struct EventAudience
{
    /// <summary>Only connections subscribed to this topic, for example <c>room=lobby</c> (see <see cref="RouteTopic"/>).</summary>
    public string? Topic { get; init; }

    /// <summary>Only connections of this user (see <see cref="TypedSseOptions.UserIdSelector"/>).</summary>
    public string? UserId { get; init; }

    /// <summary>Only the connection with this id.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>
    /// Only connections for which this returns true. It runs on the publishing thread for each candidate
    /// connection and again on replay, so keep it fast and free of side effects. A predicate cannot cross instances:
    /// a backplane may refuse it.
    /// </summary>
    public Func<EventStreamConnection, bool>? Predicate { get; init; }

    /// <summary>Every connection of the stream.</summary>
    public static EventAudience Everyone => default;

    /// <summary>The connections subscribed to <paramref name="topic"/>.</summary>
    public static EventAudience ForTopic(string topic) => new() { Topic = Required(topic, nameof(topic)) };

    /// <summary>The connections of the user <paramref name="userId"/>.</summary>
    public static EventAudience ForUser(string userId) => new() { UserId = Required(userId, nameof(userId)) };

    /// <summary>The single connection <paramref name="connectionId"/>.</summary>
    public static EventAudience ForConnection(string connectionId) => new() { ConnectionId = Required(connectionId, nameof(connectionId)) };

    /// <summary>The connections for which <paramref name="predicate"/> returns true.</summary>
    public static EventAudience Where(Func<EventStreamConnection, bool> predicate) =>
        new() { Predicate = predicate ?? throw new ArgumentNullException(nameof(predicate)) };

    /// <summary>Whether <paramref name="connection"/> is part of this audience.</summary>
    public bool Includes(EventStreamConnection connection) =>
        (Topic is null || connection.Topics.Contains(Topic))
        && (UserId is null || string.Equals(connection.UserId, UserId, StringComparison.Ordinal))
        && (ConnectionId is null || string.Equals(connection.Id, ConnectionId, StringComparison.Ordinal))
        && (Predicate is null || Predicate(connection));

    private static string Required(string value, string paramName) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException("The value must not be null or empty.", paramName) : value;
}
