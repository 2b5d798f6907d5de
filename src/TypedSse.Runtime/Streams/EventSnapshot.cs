namespace TypedSse;

/// <summary>
/// An application's state and the position of a stream it agrees with: every event up to
/// <paramref name="LastEventId"/> is reflected in <paramref name="State"/>. A client shows the state, then reads the
/// stream from that id (as its last event id), so it applies exactly the events that came after. Serialized as
/// <c>{ "lastEventId": "41", "state": … }</c>; see docs/protocol.md, "Snapshots".
/// </summary>
/// <typeparam name="T">The state's type.</typeparam>
/// <param name="LastEventId">
/// The stream's newest event id when the snapshot was taken: what the client sends as its last event id (its entry of
/// the cursor on a multiplexed connection). A stream without events yet has a position too.
/// </param>
/// <param name="State">The state, read after the position.</param>
public sealed record EventSnapshot<T>(string LastEventId, T State);
