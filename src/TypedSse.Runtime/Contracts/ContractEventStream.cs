
namespace TypedSse.Contracts;

internal sealed class ContractEventStream<TContract> : IEventStream<TContract> where TContract : class
{
    private readonly Func<EventStream, EventAudience, TContract> _createSender;

    public ContractEventStream(EventStreams streams)
    {
        var (streamName, createSender) = EventStreamContracts.Get<TContract>();
        _createSender = createSender;
        Stream = streams[streamName];
        All = createSender(Stream, EventAudience.Everyone);
    }

    public EventStream Stream { get; }

    public TContract All { get; }

    public TContract To(EventAudience audience) => _createSender(Stream, audience);

    public TContract Topic(string topic) => To(EventAudience.ForTopic(topic));

    public TContract User(string userId) => To(EventAudience.ForUser(userId));

    public TContract Connection(string connectionId) => To(EventAudience.ForConnection(connectionId));

    public TContract Where(Func<EventStreamConnection, bool> predicate) => To(EventAudience.Where(predicate));
}
