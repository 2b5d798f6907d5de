using Microsoft.AspNetCore.Builder;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

[Collection(nameof(HeavyTests))]
public class CloseRaceTests
{
    [Fact]
    public async Task Closes_that_race_publishes_end_streams_cleanly_and_are_never_taken_for_slow_consumers()
    {
        await using var host = await StreamHost.StartAsync(app =>
        {
            app.MapEventStream("/s/events", "s");
            app.MapEventStreams();
        }, o => o.MaxQueuedEventsPerConnection = 100_000); // a closed queue fails a write as a full one would; only the close may do it here
        using var metrics = new MetricsRecorder(host.Services);
        var stream = host.Streams["s"];

        using var stop = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                await stream.PublishAsync("n", i);
                if (i % 100 == 0)
                {
                    await Task.Yield();
                }
            }
        });

        int unclean = 0, closes = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (int round = 0; round < 60; round++)
            {
                string path = (worker + round) % 2 == 0 ? "/s/events" : Multiplexed.Path("/s/events");
                await using var client = await host.ConnectAsync(path);
                await client.ReadHelloAsync();
                string id = stream.Connections.Single(c => c.Id.StartsWith(client.ConnectionId!, StringComparison.Ordinal)).Id;
                Assert.True(stream.CloseConnection(id));
                Interlocked.Increment(ref closes);
                try
                {
                    await client.Body.CopyToAsync(Stream.Null).WaitAsync(Wait.Long);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    Interlocked.Increment(ref unclean); // a reset, not the end of a response
                }
            }
        })));
        stop.Cancel();
        await publisher;

        Assert.Equal(480, closes);
        Assert.Equal(0, unclean);
        Assert.Equal(0, metrics["typedsse.connections.slow_consumer_disconnects"]);
    }
}
