namespace TypedSse.Client.Tests;

/// <summary>Every payload shape: one value, several parameters, none, a ValueTask with a CancellationToken.</summary>
[EventStream("/rooms/{room}/events")]
public interface IRoomEvents
{
    Task MessagePosted(RoomMessage message);

    Task UserJoined(string user, DateTimeOffset at);

    Task Cleared();

    Task Counted(int n);

    [EventName("tagged")]
    ValueTask Tagged(Priority priority, string[]? tags, CancellationToken cancellationToken);
}

public sealed record RoomMessage(string User, string Text, Guid Id);

public enum Priority
{
    Low,
    High,
}

/// <summary>Typed and optional route values.</summary>
[EventStream("/feeds/{id:int}/{kind?}")]
public interface IFeedEvents
{
    Task Item(long n);
}
