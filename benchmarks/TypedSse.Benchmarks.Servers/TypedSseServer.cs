using System.Diagnostics.Metrics;

namespace TypedSse.Benchmarks.Servers;

/// <summary>
/// TypedSse, driven through the <see cref="IBenchEvents"/> contract. Multiplexed, it also maps two more streams and
/// <c>MapEventStreams("/events")</c>: each subscriber holds one connection to all three, and each tick goes to the
/// next stream in turn, so every connection still receives every tick, through its three subscriptions.
/// </summary>
internal sealed class TypedSseServer(TimeSpan keepAlive, int queueCapacity, bool multiplexed) : IBenchServer, IDisposable
{
    private static readonly string[] OtherStreams = ["BenchA", "BenchB"];
    private EventStream[] _others = [];
    private EventStreams _streams = null!;
    private long _published;

    private readonly MeterListener _listener = new();
    private IEventStream<IBenchEvents> _events = null!;
    private long _dropped;
    private long _disconnects;

    public int Subscribers => multiplexed ? _streams.ConnectionCount : _events.Stream.ConnectionCount;

    public (long DroppedEvents, long Disconnects) Losses => (Interlocked.Read(ref _dropped), Interlocked.Read(ref _disconnects));

    public void ConfigureServices(WebApplicationBuilder builder) =>
        builder.Services.AddTypedSse(options =>
        {
            options.KeepAliveInterval = keepAlive;
            options.MaxQueuedEventsPerConnection = queueCapacity;
            options.SlowConsumerPolicy = SlowConsumerPolicy.Disconnect;
        });

    public void Map(WebApplication app)
    {
        app.MapBenchEvents();
        _events = app.Services.GetRequiredService<IEventStream<IBenchEvents>>();
        _streams = app.Services.GetRequiredService<EventStreams>();
        if (multiplexed)
        {
            app.MapEventStream("/bench/a", OtherStreams[0]);
            app.MapEventStream("/bench/b", OtherStreams[1]);
            app.MapEventStreams("/events");
            _others = [.. OtherStreams.Select(name => _streams[name])];
        }

        // Only the two loss counters are listened to; the others stay disabled and cost nothing.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "TypedSse" && instrument.Name is "typedsse.events.dropped" or "typedsse.connections.slow_consumer_disconnects")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            Interlocked.Add(ref instrument.Name == "typedsse.events.dropped" ? ref _dropped : ref _disconnects, value));
        _listener.Start();
    }

    public ValueTask PublishAsync(BenchTick tick)
    {
        long turn = multiplexed ? _published++ % 3 : 0;
        return turn == 0 ? new(_events.All.Tick(tick)) : PublishOtherAsync(_others[turn - 1], tick);
    }

    private static async ValueTask PublishOtherAsync(EventStream stream, BenchTick tick) => await stream.PublishAsync("tick", tick);

    public void Dispose() => _listener.Dispose();
}
