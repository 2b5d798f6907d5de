using System.Collections.Concurrent;

namespace TypedSse.Connections;

/// <summary>Every open connection of the app, for keep-alive pings and for closing them all on shutdown.</summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<EventStreamConnection, byte> _connections = new(ReferenceEqualityComparer.Instance);
    private volatile bool _stopping;

    public int Count => _connections.Count;

    public IEnumerable<EventStreamConnection> Connections => _connections.Keys;

    public bool IsStopping => _stopping;

    public void Add(EventStreamConnection connection)
    {
        _connections.TryAdd(connection, 0);
        if (_stopping)
        {
            connection.Close();
        }
    }

    public void Remove(EventStreamConnection connection) => _connections.TryRemove(connection, out _);

    public void CloseAll()
    {
        _stopping = true;
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }
    }
}
