using System.Collections.Concurrent;
using TypedSse.Connections;
using TypedSse.History;

namespace TypedSse.Streams;

/// <summary>The local connections of every stream, and the delivery of events to them.</summary>
internal sealed class EventFanOut(ConnectionTracker connections) : IEventSink
{
    private readonly ConcurrentDictionary<string, ConnectionRegistry> _registries = new(StringComparer.Ordinal);

    public ConnectionRegistry this[string stream] =>
        _registries.GetOrAdd(stream, static _ => new ConnectionRegistry());

    public void Deliver(StreamEvent streamEvent) => this[streamEvent.Stream].Deliver(streamEvent);

    public int CloseUser(string userId, string reason) => connections.CloseUser(userId, reason);
}
