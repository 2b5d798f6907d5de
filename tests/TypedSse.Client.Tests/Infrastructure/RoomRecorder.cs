using System.Threading.Channels;

namespace TypedSse.Client.Tests.Infrastructure;

/// <summary>A receiver of <see cref="IRoomEvents"/> that records every call, in order, as the generated record it stands for.</summary>
public sealed class RoomRecorder : IRoomEvents, IEventStreamResetReceiver
{
    private readonly Channel<RoomEvents> _received = Channel.CreateUnbounded<RoomEvents>();

    /// <summary>Throws from the receiver for this <c>Counted</c> value, to show that the connection survives it.</summary>
    public int? ThrowOn { get; init; }

    public Task MessagePosted(RoomMessage message) => Record(new RoomEvents.MessagePosted(message));

    public Task UserJoined(string user, DateTimeOffset at) => Record(new RoomEvents.UserJoined(user, at));

    public Task Cleared() => Record(new RoomEvents.Cleared());

    public Task Counted(int n) => n == ThrowOn ? throw new InvalidOperationException($"receiver failed on {n}") : Record(new RoomEvents.Counted(n));

    public ValueTask Tagged(Priority priority, string[]? tags, CancellationToken cancellationToken) =>
        new(Record(new RoomEvents.Tagged(priority, tags)));

    public Task OnReset(EventStreamReset reset) => Record(new RoomEvents.Reset(reset));

    public async Task<RoomEvents> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Wait.Long);
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    private Task Record(RoomEvents @event)
    {
        _received.Writer.TryWrite(@event);
        return Task.CompletedTask;
    }
}
