namespace TypedSse;

/// <summary>
/// A stream declared by an <see cref="EventStreamAttribute"/> contract. Each targeting member returns a sender
/// that implements the contract: calling one of its methods publishes that event to the chosen audience.
/// </summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
public interface IEventStream<TContract> where TContract : class
{
    /// <summary>The untyped stream underneath, for its connections and history.</summary>
    EventStream Stream { get; }

    /// <summary>Sends to every connection.</summary>
    TContract All { get; }

    /// <summary>Sends to <paramref name="audience"/>.</summary>
    TContract To(EventAudience audience);

    /// <summary>Sends to the connections subscribed to <paramref name="topic"/>.</summary>
    TContract Topic(string topic);

    /// <summary>Sends to the connections of the user <paramref name="userId"/>.</summary>
    TContract User(string userId);

    /// <summary>Sends to the single connection <paramref name="connectionId"/>.</summary>
    TContract Connection(string connectionId);

    /// <summary>Sends to the connections for which <paramref name="predicate"/> returns true.</summary>
    TContract Where(Func<EventStreamConnection, bool> predicate);
}
