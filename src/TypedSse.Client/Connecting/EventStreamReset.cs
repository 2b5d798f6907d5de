namespace TypedSse.Client;

/// <summary>
/// The server could not replay the events after the client's last event id (<c>typedsse:reset</c>, see
/// docs/protocol.md): the app should reload its state. Events after the reset follow on as usual.
/// </summary>
/// <param name="Reason"><c>history-gap</c> when the events were no longer retained, <c>unknown-id</c> when the id was not one the server issued.</param>
/// <param name="LastEventId">The id the client asked to resume after.</param>
/// <param name="LatestEventId">The server's newest id, from which the connection continues.</param>
public sealed record EventStreamReset(string Reason, string LastEventId, string LatestEventId);

/// <summary>
/// Implemented by a receiver that wants to know of a <see cref="EventStreamReset"/>: its events since the last
/// delivered one are lost, and it should resynchronise (reload a snapshot).
/// </summary>
public interface IEventStreamResetReceiver
{
    /// <summary>Called, in order with the events, when the server could not replay what the receiver missed.</summary>
    Task OnReset(EventStreamReset reset);
}
