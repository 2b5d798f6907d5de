namespace TypedSse.Benchmarks.Servers;

/// <summary>One of the servers under test: its stream endpoint at <c>/bench</c>, and how it sends a tick to every subscriber.</summary>
internal interface IBenchServer
{
    void ConfigureServices(WebApplicationBuilder builder);

    void Map(WebApplication app);

    int Subscribers { get; }

    /// <summary>Events the server dropped and subscribers it disconnected, as far as the server itself can tell.</summary>
    (long DroppedEvents, long Disconnects) Losses { get; }

    ValueTask PublishAsync(BenchTick tick);
}
