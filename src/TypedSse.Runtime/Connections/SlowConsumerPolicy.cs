namespace TypedSse;

/// <summary>What a connection does when its outbound queue is full because its client reads too slowly.</summary>
public enum SlowConsumerPolicy
{
    /// <summary>
    /// Disconnect the client. The browser reconnects with its Last-Event-ID and catches up from the history, so
    /// nothing is lost while the events are still retained. The default.
    /// </summary>
    Disconnect,

    /// <summary>Drop the event that did not fit. The client silently misses it: use only for lossy data.</summary>
    DropNewest,

    /// <summary>Drop the oldest queued event to make room. The client silently misses it: use only for lossy data.</summary>
    DropOldest,
}
