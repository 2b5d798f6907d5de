using TypedSse;

namespace Chat.Contracts;

/// <summary>What happens in one room. A connection to <c>/api/rooms/lobby/events</c> hears room <c>lobby</c> only.</summary>
[EventStream("/api/rooms/{room}/events")]
public interface IRoomEvents
{
    /// <summary>Someone posted a message.</summary>
    Task MessagePosted(ChatMessage message);

    /// <summary>A signed-in user opened the room (their first tab in it).</summary>
    Task MemberJoined(string name, DateTimeOffset at);

    /// <summary>A signed-in user closed their last tab in the room.</summary>
    Task MemberLeft(string name, DateTimeOffset at);

    /// <summary>Someone is typing.</summary>
    Task Typing(string name);
}

/// <summary>A chat message.</summary>
/// <param name="Id">Unique, assigned by the server.</param>
/// <param name="Room">The room it was posted in.</param>
/// <param name="Author">The name of the user who posted it.</param>
/// <param name="Text">The text as typed.</param>
/// <param name="SentAt">When the server received it.</param>
public sealed record ChatMessage(string Id, string Room, string Author, string Text, DateTimeOffset SentAt);
