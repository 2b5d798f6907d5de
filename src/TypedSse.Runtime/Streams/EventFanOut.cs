using System.Collections.Concurrent;
using TypedSse.Connections;
using TypedSse.History;

namespace TypedSse.Streams;

/// <summary>The local connections of every stream, and the delivery of events to them.</summary>
/// <remarks>Tells the <see cref="IStreamInterest"/>s, if any, when a stream's first connection opens and its last closes.</remarks>
internal sealed class EventFanOut(ConnectionTracker connections, IEnumerable<IStreamInterest>? interests = null) : IEventSink
{
    private readonly ConcurrentDictionary<string, ConnectionRegistry> _registries = new(StringComparer.Ordinal);
    private readonly IStreamInterest[] _interests = interests?.ToArray() ?? [];

    public ConnectionRegistry this[string stream] =>
        _registries.GetOrAdd(stream, static (name, self) => self._interests.Length == 0
            ? new ConnectionRegistry()
            : new ConnectionRegistry(() => self.Opened(name), () => self.Closed(name)), this);

    public void Deliver(StreamEvent streamEvent) => this[streamEvent.Stream].Deliver(streamEvent);

    public int CloseUser(string userId, string reason) => connections.CloseUser(userId, reason);

    private void Opened(string stream)
    {
        foreach (var interest in _interests)
        {
            interest.StreamOpened(stream);
        }
    }

    private void Closed(string stream)
    {
        foreach (var interest in _interests)
        {
            interest.StreamClosed(stream);
        }
    }
}
