using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Chat.Contracts;
using Chat.Rooms;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using TypedSse;

namespace Chat;

/// <summary>
/// The page's HTTP API: sign in as a name, open a room, post, type, wave. Every action publishes events. And a look at
/// the server: how many event-stream connections it holds.
/// </summary>
public static partial class ChatApi
{
    public static void MapChatApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");

        api.MapGet("/session", (ClaimsPrincipal user) => new Session(NameOf(user)));
        api.MapPost("/session", SignInAsync);
        api.MapDelete("/session", async (HttpContext context, EventStreams streams) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            // The event streams were authorized by the cookie just cleared: end them, in every tab (and, with the
            // PostgreSQL backplane, on every instance). They reconnect without the cookie, so the inbox is refused
            // with 401 and the page's other tabs sign out too.
            if (NameOf(context.User) is { } name)
            {
                await streams.CloseUserAsync(name, "signed-out");
            }
            return TypedResults.NoContent();
        });

        // Snapshots: the state and the position of the stream it agrees with. The page shows the state, then reads the
        // stream from that position, so it applies exactly the events that came after (see the README, "Snapshots").
        api.MapGet("/rooms", (ChatRooms rooms, IEventStream<ILobbyEvents> lobby) => lobby.Stream.SnapshotAsync(rooms.List));
        api.MapGet("/rooms/{room}", async (string room, ChatRooms rooms, IEventStream<IRoomEvents> roomEvents) =>
        {
            if (!ChatRooms.IsRoomName(room))
            {
                return Results.NotFound();
            }
            return Results.Ok(await roomEvents.Stream.SnapshotAsync(() =>
            {
                var (summary, messages) = rooms.Open(room);
                return new RoomState(summary.Members, messages);
            }));
        });

        var signedIn = api.MapGroup("/rooms/{room}").RequireAuthorization();
        signedIn.MapPost("/messages", PostMessageAsync);
        signedIn.MapPost("/typing", async (string room, ClaimsPrincipal user, IEventStream<IRoomEvents> roomEvents) =>
        {
            if (!ChatRooms.IsRoomName(room))
            {
                return Results.NotFound();
            }
            await roomEvents.Route(room).Typing(NameOf(user)!);
            return Results.NoContent();
        });
        signedIn.MapPost("/wave", async (string room, WaveRequest wave, ClaimsPrincipal user, IEventStream<IInboxEvents> inbox) =>
        {
            if (!ChatRooms.IsRoomName(room) || !IsUserName(wave.To))
            {
                return Results.BadRequest();
            }
            await inbox.User(wave.To).Waved(NameOf(user)!, room);
            return Results.NoContent();
        });

        api.MapGet("/server", (EventStreams streams, IEventStream<ILobbyEvents> lobby, IEventStream<IRoomEvents> rooms,
            IEventStream<IInboxEvents> inboxes) => new ServerState(streams.ConnectionCount,
            new StreamSubscriptions(lobby.Stream.ConnectionCount, rooms.Stream.ConnectionCount, inboxes.Stream.ConnectionCount)));
        // Cuts a connection as a network drop would, to watch the client resume. The id is one the caller was given
        // (a connectionId of its hello) and the client reconnects without losing an event, so it needs no sign-in.
        api.MapDelete("/server/connections/{id}", (string id, IEventStream<ILobbyEvents> lobby, IEventStream<IRoomEvents> rooms,
            IEventStream<IInboxEvents> inboxes) =>
            lobby.Stream.CloseConnection(id) || rooms.Stream.CloseConnection(id) || inboxes.Stream.CloseConnection(id)
                ? Results.NoContent()
                : Results.NotFound());
    }

    private static async Task<IResult> SignInAsync(SignInRequest request, HttpContext context)
    {
        string name = request.Name?.Trim() ?? "";
        if (!IsUserName(name))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["name"] = ["Pick a name of 1 to 20 letters, digits, '-' or '_'."],
            });
        }
        // No password: this is a demo of a user-targeted stream, not of authentication.
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.Ok(new Session(name));
    }

    private static async Task<IResult> PostMessageAsync(string room, PostMessageRequest request, ClaimsPrincipal user, ChatRooms rooms,
        IEventStream<IRoomEvents> roomEvents, IEventStream<ILobbyEvents> lobby, IEventStream<IInboxEvents> inbox, TimeProvider time)
    {
        string text = request.Text?.Trim() ?? "";
        if (!ChatRooms.IsRoomName(room) || text.Length is 0 or > 2000)
        {
            return Results.BadRequest();
        }
        string author = NameOf(user)!;
        var message = new ChatMessage(Guid.NewGuid().ToString("N"), room, author, text, time.GetUtcNow());
        var summary = rooms.Post(message);

        await roomEvents.Route(room).MessagePosted(message);   // the connections to /api/rooms/{room}/events
        await lobby.All.RoomUpdated(summary);                   // everyone
        foreach (string mentioned in Mentions(text).Where(name => name != author))
        {
            await inbox.User(mentioned).Mentioned(message);     // every tab of that user, and only theirs
        }
        return Results.Accepted(value: message);
    }

    private static IEnumerable<string> Mentions(string text) =>
        Mention().Matches(text).Select(match => match.Groups[1].Value).Distinct(StringComparer.Ordinal);

    public static bool IsUserName([NotNullWhen(true)] string? name) => name is not null && UserName().IsMatch(name);

    private static string? NameOf(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? user.Identity.Name : null;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,20}$")]
    private static partial Regex UserName();

    [GeneratedRegex("(?<![A-Za-z0-9_-])@([A-Za-z0-9_-]{1,20})")]
    private static partial Regex Mention();
}

public sealed record Session(string? Name);

public sealed record SignInRequest(string? Name);

public sealed record PostMessageRequest(string? Text);

public sealed record WaveRequest(string? To);

/// <summary>What a page that opens a room shows before its events: who is here and the recent messages.</summary>
public sealed record RoomState(IReadOnlyList<string> Members, IReadOnlyList<ChatMessage> Messages);

/// <summary>What this instance holds open.</summary>
/// <param name="EventStreamConnections">Event-stream responses: a browser with the chat in any number of tabs counts once.</param>
/// <param name="Subscriptions">The streams' subscriptions over those responses.</param>
public sealed record ServerState(int EventStreamConnections, StreamSubscriptions Subscriptions);

/// <summary>How many subscriptions each stream has on this instance, over shared and dedicated connections alike.</summary>
public sealed record StreamSubscriptions(int Lobby, int Rooms, int Inboxes);
