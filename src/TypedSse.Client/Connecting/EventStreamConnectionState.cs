namespace TypedSse.Client;

/// <summary>Where an <see cref="EventStreamConnection{TEvent}"/> is in its life.</summary>
public enum EventStreamConnectionState
{
    /// <summary>A request is on its way, for the first time or after the connection was lost.</summary>
    Connecting,

    /// <summary>The server answered with an event stream; events are being received.</summary>
    Open,

    /// <summary>The connection was lost and waits out the retry delay before it connects again.</summary>
    WaitingToReconnect,

    /// <summary>Stopped for good: disposed, cancelled, told to stop (204) or refused (4xx).</summary>
    Closed,
}
