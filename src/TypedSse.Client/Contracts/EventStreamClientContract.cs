using System.ComponentModel;
using System.Text.Json;

namespace TypedSse.Client;

/// <summary>
/// What the generated client knows of one contract: how to turn an event's <c>event:</c> and <c>data:</c> into its
/// record, and how to hand a record to a receiver. Generated for each <c>[EventStream]</c> interface; not meant to be
/// written by hand.
/// </summary>
/// <typeparam name="TReceiver">The contract interface, which a receiver implements.</typeparam>
/// <typeparam name="TEvent">The generated closed hierarchy of the contract's event records.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class EventStreamClientContract<TReceiver, TEvent>
    where TReceiver : class
    where TEvent : class
{
    /// <summary>The name of the stream, as the server's contract declares it.</summary>
    public abstract string StreamName { get; }

    /// <summary>The record of an event, or null for an event type the contract does not declare (a newer server's).</summary>
    /// <exception cref="JsonException">The data is not the JSON the event declares.</exception>
    public abstract TEvent? Decode(string eventType, string data, JsonSerializerOptions options);

    /// <summary>The record of a <c>typedsse:reset</c>.</summary>
    public abstract TEvent Reset(EventStreamReset reset);

    /// <summary>Calls the receiver's method for the event (for a reset, <see cref="IEventStreamResetReceiver.OnReset"/> when it implements it).</summary>
    public abstract Task DispatchAsync(TReceiver receiver, TEvent @event, CancellationToken cancellationToken);
}
