using System.Diagnostics.Metrics;

namespace TypedSse.Benchmarks.Servers;

/// <summary>TypedSse, driven through the <see cref="IBenchEvents"/> contract.</summary>
internal sealed class TypedSseServer(TimeSpan keepAlive, int queueCapacity) : IBenchServer, IDisposable
{
    private readonly MeterListener _listener = new();
    private IEventStream<IBenchEvents> _events = null!;
    private long _dropped;
    private long _disconnects;

    public int Subscribers => _events.Stream.ConnectionCount;

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

    public ValueTask PublishAsync(BenchTick tick) => new(_events.All.Tick(tick));

    public void Dispose() => _listener.Dispose();
}
