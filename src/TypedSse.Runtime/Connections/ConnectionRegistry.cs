using System.Collections.Concurrent;

namespace TypedSse.Connections;

/// <summary>
/// The connections of one stream, indexed by topic, user and id. Changes take a lock and copy; delivery reads
/// immutable arrays without locking or allocating.
/// </summary>
internal sealed class ConnectionRegistry(Action? firstAdded = null, Action? lastRemoved = null)
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, EventStreamConnection[]> _byTopic = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EventStreamConnection[]> _byUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EventStreamConnection> _byId = new(StringComparer.Ordinal);
    private EventStreamConnection[] _all = [];
    private long _lastDeliveredId;

    public int Count => Volatile.Read(ref _all).Length;

    public IReadOnlyList<EventStreamConnection> Snapshot => Volatile.Read(ref _all);

    /// <summary>How many topics, users and ids are indexed; zero once every connection is gone.</summary>
    public int IndexedKeys => _byTopic.Count + _byUser.Count + _byId.Count;

    public EventStreamConnection? Find(string connectionId) => _byId.GetValueOrDefault(connectionId);

    /// <summary>
    /// Adds a connection and returns the id of the last event delivered before it (0 if none yet, or none since the
    /// stream's connections were last all gone and a backplane was told so): every later event of its audience reaches
    /// it, so the connection's client may resume from that id.
    /// </summary>
    /// <remarks>
    /// <see cref="Deliver"/> publishes the event's id before it reads the connections, and this adds the connection
    /// before it reads the id, each with a full fence: either the delivery sees the connection, or the connection
    /// sees the delivery's id.
    /// </remarks>
    public long Add(EventStreamConnection connection)
    {
        lock (_gate)
        {
            if (_all.Length == 0 && firstAdded is not null)
            {
                firstAdded();
                // The backplane may have stopped reading the stream while it had no connection here, and starts again
                // where it stands now: the last id delivered before is no longer where delivery continues.
                Volatile.Write(ref _lastDeliveredId, 0);
            }
            Interlocked.Exchange(ref _all, [.. _all, connection]);
            _byId[connection.Id] = connection;
            foreach (var topic in connection.Topics)
            {
                _byTopic[topic] = [.. _byTopic.GetValueOrDefault(topic, []), connection];
            }
            if (connection.UserId is { } userId)
            {
                _byUser[userId] = [.. _byUser.GetValueOrDefault(userId, []), connection];
            }
        }
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref _lastDeliveredId);
    }

    public void Remove(EventStreamConnection connection)
    {
        lock (_gate)
        {
            int before = _all.Length;
            Volatile.Write(ref _all, Without(_all, connection));
            if (before > 0 && _all.Length == 0)
            {
                lastRemoved?.Invoke();
            }
            _byId.TryRemove(connection.Id, out _);
            foreach (var topic in connection.Topics)
            {
                RemoveFromIndex(_byTopic, topic, connection);
            }
            if (connection.UserId is { } userId)
            {
                RemoveFromIndex(_byUser, userId, connection);
            }
        }
    }

    /// <summary>Queues the event on every connection of its audience.</summary>
    public void Deliver(StreamEvent streamEvent)
    {
        Interlocked.Exchange(ref _lastDeliveredId, streamEvent.Id);
        var audience = streamEvent.Audience;
        if (audience.ConnectionId is { } connectionId)
        {
            if (_byId.TryGetValue(connectionId, out var connection) && audience.Includes(connection))
            {
                connection.Enqueue(streamEvent);
            }
            return;
        }

        var candidates = audience.UserId is { } userId ? _byUser.GetValueOrDefault(userId, [])
            : audience.Topic is { } topic ? _byTopic.GetValueOrDefault(topic, [])
            : Volatile.Read(ref _all);
        foreach (var connection in candidates)
        {
            if (audience.Includes(connection))
            {
                connection.Enqueue(streamEvent);
            }
        }
    }

    private static void RemoveFromIndex(ConcurrentDictionary<string, EventStreamConnection[]> index, string key, EventStreamConnection connection)
    {
        if (!index.TryGetValue(key, out var connections))
        {
            return;
        }
        var remaining = Without(connections, connection);
        if (remaining.Length == 0)
        {
            index.TryRemove(key, out _);
        }
        else
        {
            index[key] = remaining;
        }
    }

    private static EventStreamConnection[] Without(EventStreamConnection[] connections, EventStreamConnection connection)
    {
        int index = Array.IndexOf(connections, connection);
        if (index < 0)
        {
            return connections;
        }
        var result = new EventStreamConnection[connections.Length - 1];
        Array.Copy(connections, 0, result, 0, index);
        Array.Copy(connections, index + 1, result, index, connections.Length - index - 1);
        return result;
    }
}
