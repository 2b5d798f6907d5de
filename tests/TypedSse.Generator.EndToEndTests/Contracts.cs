using System.Text.Json.Serialization;
using TypedSse;

namespace TypedSse.Generator.EndToEndTests;

/// <summary>The contract of the issue.</summary>
[EventStream("/rooms/{room}/events")]
public interface IChatEvents
{
    Task MessagePosted(ChatMessage message);

    Task UserJoined(string user, DateTimeOffset at, Mood mood);

    [EventName("typing")]
    Task Typing(string user);

    ValueTask Cleared();
}

public sealed record ChatMessage(string User, string Text, [property: JsonPropertyName("sent")] DateTimeOffset SentAt);

public enum Mood
{
    Calm,
    Excited,
}

public static class Boards
{
    /// <summary>A nested, internal contract with a typed route parameter.</summary>
    [EventStream("/boards/{board:int}/events", Name = "boards")]
    internal interface IBoardEvents
    {
        Task CardMoved(int card, string column, CancellationToken cancellationToken);
    }
}

/// <summary>Route parameters with defaults: a URL may leave them out, and the route scope takes null for them.</summary>
[EventStream("/pages/{page:int=01}/{sort=new}")]
public interface IPageEvents
{
    Task Shown(int count);
}

// TSSE010 is reported on the parameter's syntax, so a pragma silences it (this project treats warnings as errors).
#pragma warning disable TSSE010
[EventStream("/audit")]
public interface IAuditEvents
{
    Task Logged(object entry);
}
#pragma warning restore TSSE010
