using TypedSse;

namespace Chat.Contracts;

/// <summary>The list of rooms, for everyone: which rooms exist, who is in them, what was said last.</summary>
[EventStream("/api/lobby/events")]
public interface ILobbyEvents
{
    /// <summary>A room was created, or its members or last message changed.</summary>
    Task RoomUpdated(RoomSummary room);
}

/// <summary>A room as the lobby shows it.</summary>
/// <param name="Name">The room's name, as in its URL.</param>
/// <param name="Members">The signed-in users with the room open, in name order.</param>
/// <param name="MessageCount">How many messages were posted since the server started.</param>
/// <param name="LastMessage">The newest message, if any.</param>
/// <param name="Version">
/// Counts the room's changes. Concurrent changes can publish their summaries out of order: a page keeps the summary
/// with the highest version, whichever came last.
/// </param>
public sealed record RoomSummary(string Name, IReadOnlyList<string> Members, int MessageCount, ChatMessage? LastMessage, long Version);
