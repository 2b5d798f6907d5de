using System.Text.RegularExpressions;
using Chat.Contracts;

namespace Chat.Rooms;

/// <summary>
/// The rooms and who is in them, kept in memory: recent messages for a page that opens a room, and the members
/// present. Events are not kept here; the TypedSse history replays those to a reconnecting page.
/// </summary>
public sealed partial class ChatRooms
{
    public const int RecentMessageCount = 50;

    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    public ChatRooms()
    {
        GetOrAdd("general");
        GetOrAdd("random");
    }

    /// <summary>Lowercase letters, digits and dashes, as in the room's URL.</summary>
    public static bool IsRoomName(string name) => RoomName().IsMatch(name);

    public IReadOnlyList<RoomSummary> List()
    {
        lock (_lock)
        {
            return _rooms.Values.Select(room => room.Summary()).ToArray();
        }
    }

    /// <summary>The room's summary and recent messages; a room exists as soon as someone opens it.</summary>
    public (RoomSummary Room, IReadOnlyList<ChatMessage> Messages) Open(string name)
    {
        lock (_lock)
        {
            var room = GetOrAdd(name);
            return (room.Summary(), room.Recent.ToArray());
        }
    }

    public RoomSummary Post(ChatMessage message)
    {
        lock (_lock)
        {
            var room = GetOrAdd(message.Room);
            room.Recent.Enqueue(message);
            if (room.Recent.Count > RecentMessageCount)
            {
                room.Recent.Dequeue();
            }
            room.MessageCount++;
            room.LastMessage = message;
            return room.Changed();
        }
    }

    /// <summary>Records a connection of <paramref name="user"/>; returns the summary if the user was not a member yet.</summary>
    public RoomSummary? Enter(string name, string user, string connectionId)
    {
        lock (_lock)
        {
            var room = GetOrAdd(name);
            bool joined = !room.Members.TryGetValue(user, out var connections);
            if (joined)
            {
                room.Members[user] = connections = [];
            }
            connections!.Add(connectionId);
            return joined ? room.Changed() : null;
        }
    }

    /// <summary>
    /// Forgets a connection of <paramref name="user"/>; returns true if it was the user's last one in the room. The
    /// user stays a member until <see cref="Forget"/>, so that a connection that comes back meanwhile is no new join.
    /// </summary>
    public bool Leave(string name, string user, string connectionId)
    {
        lock (_lock)
        {
            return _rooms.TryGetValue(name, out var room)
                && room.Members.TryGetValue(user, out var connections)
                && connections.Remove(connectionId)
                && connections.Count == 0;
        }
    }

    /// <summary>Removes <paramref name="user"/> if none of their connections is in the room; returns the summary if so.</summary>
    public RoomSummary? Forget(string name, string user)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(name, out var room)
                || !room.Members.TryGetValue(user, out var connections)
                || connections.Count > 0)
            {
                return null;
            }
            room.Members.Remove(user);
            return room.Changed();
        }
    }

    private Room GetOrAdd(string name)
    {
        if (!_rooms.TryGetValue(name, out var room))
        {
            _rooms[name] = room = new Room(name);
        }
        return room;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex RoomName();

    private sealed class Room(string name)
    {
        public Queue<ChatMessage> Recent { get; } = new();

        public SortedDictionary<string, HashSet<string>> Members { get; } = new(StringComparer.Ordinal);

        public int MessageCount { get; set; }

        public ChatMessage? LastMessage { get; set; }

        private long _version;

        /// <summary>The summary after a change, numbered: its publish can overtake another's, its version cannot.</summary>
        public RoomSummary Changed()
        {
            _version++;
            return Summary();
        }

        public RoomSummary Summary() => new(name, Members.Keys.ToArray(), MessageCount, LastMessage, _version);
    }
}
