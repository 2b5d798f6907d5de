using Chat.Contracts;
using TypedSse;

namespace Chat.Rooms;

/// <summary>
/// Turns room connections into presence: a signed-in user's first tab in a room announces them, closing their last
/// tab says goodbye. It runs from the room stream's OnConnected hook.
/// </summary>
public sealed class Presence(
    ChatRooms rooms,
    IEventStream<IRoomEvents> roomEvents,
    IEventStream<ILobbyEvents> lobby,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<Presence> logger)
{
    public async ValueTask EnterAsync(EventStreamConnection connection)
    {
        if (connection.UserId is not { } user)
        {
            return; // a visitor who has not signed in reads along without being listed
        }
        string room = RoomOf(connection);
        var entered = rooms.Enter(room, user, connection.Id);
        // After Enter: a connection that closed meanwhile runs this at once and leaves again.
        connection.Closed.Register(() => _ = LeaveAsync(room, user, connection.Id));
        if (entered is { } summary)
        {
            await roomEvents.Route(room).MemberJoined(user, time.GetUtcNow());
            await lobby.All.RoomUpdated(summary);
        }
    }

    private async Task LeaveAsync(string room, string user, string connectionId)
    {
        if (rooms.Leave(room, user, connectionId) is not { } summary || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return; // when the app stops, every connection closes at once; nobody left, the server went away
        }
        try
        {
            await roomEvents.Route(room).MemberLeft(user, time.GetUtcNow());
            await lobby.All.RoomUpdated(summary);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not announce that {User} left {Room}.", user, room);
        }
    }

    private static string RoomOf(EventStreamConnection connection) => (string)connection.RouteValues["room"]!;
}
