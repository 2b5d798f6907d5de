namespace TypedSse.History;

/// <summary>The fan-out of this instance: hands an event to the matching local connections.</summary>
public interface IEventSink
{
    /// <summary>
    /// Queues the event on each local connection of its audience without waiting for any of them. Call it in id
    /// order per stream.
    /// </summary>
    void Deliver(StreamEvent streamEvent);

    /// <summary>
    /// Ends every local connection of <paramref name="userId"/> with a <c>typedsse:close</c> carrying
    /// <paramref name="reason"/>. A backplane calls it on each instance when <see cref="IEventBackplane.CloseUserAsync"/>
    /// reaches it.
    /// </summary>
    /// <returns>How many responses were closed.</returns>
    int CloseUser(string userId, string reason) => 0;
}
