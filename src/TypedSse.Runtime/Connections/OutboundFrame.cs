namespace TypedSse.Connections;

/// <summary>
/// An entry of a connection's queue: a stream event for one of its subscriptions (its bytes shared by every
/// recipient), or bytes of this connection's own (a ping, an event sent to it alone).
/// </summary>
internal readonly record struct OutboundFrame(ReadOnlyMemory<byte> Bytes, StreamEvent? Event = null, int Subscription = 0)
{
    public static OutboundFrame For(StreamEvent streamEvent, int subscription) => new(default, streamEvent, subscription);
}
