namespace TypedSse.History;

/// <summary>The fan-out of this instance: hands an event to the matching local connections.</summary>
public interface IEventSink
{
    /// <summary>
    /// Queues the event on each local connection of its audience without waiting for any of them. Call it in id
    /// order per stream.
    /// </summary>
    void Deliver(StreamEvent streamEvent);
}
