using TypedSse;

namespace Chat.Contracts;

/// <summary>
/// Events for one signed-in user, wherever they are: the stream requires sign-in, and every event is sent to one
/// user with <c>inbox.User(name)</c>, so it reaches all of that user's tabs and nobody else's.
/// </summary>
[EventStream("/api/me/events")]
public interface IInboxEvents
{
    /// <summary>Someone wrote @name in a message.</summary>
    Task Mentioned(ChatMessage message);

    /// <summary>Someone waved at you from a room's member list.</summary>
    Task Waved(string from, string room);
}
