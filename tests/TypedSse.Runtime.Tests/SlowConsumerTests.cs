using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

[Collection(nameof(HeavyTests))]
public class SlowConsumerTests
{
    private static async Task<Socket> ConnectStalledAsync(StreamHost host, string path)
    {
        // A raw client with a tiny receive window that sends its request and then never reads.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nAccept: text/event-stream\r\n\r\n"));
        return socket;
    }

    [Fact]
    public async Task A_stalled_client_does_not_slow_a_healthy_one_and_is_dropped_at_its_bound()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.MaxQueuedEventsPerConnection = 64);
        using var metrics = new MetricsRecorder(host.Services);
        var stream = host.Streams["s"];
        using var stalled = await ConnectStalledAsync(host, "/events");
        await using var healthy = await host.ConnectAsync("/events");
        await healthy.ReadHelloAsync();
        await Wait.UntilAsync(() => stream.ConnectionCount == 2, "both clients are connected");

        // Publish in rounds that the healthy client finishes before the next: it never has more than a round
        // queued, while the stalled client's queue fills past its bound.
        const int rounds = 100, perRound = 32;
        string payload = new('x', 2048);
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < perRound; i++)
            {
                await stream.PublishTextAsync((round * perRound + i).ToString(), payload);
            }
            int first = round * perRound;
            foreach (var item in await healthy.TakeAsync(perRound))
            {
                Assert.Equal((first++).ToString(), item.EventType);
            }
        }
        const int events = rounds * perRound;

        await Wait.UntilAsync(() => stream.ConnectionCount == 1, "the stalled client is dropped");
        Assert.Equal(1, metrics["typedsse.connections.slow_consumer_disconnects"]);
        Assert.Equal(events, metrics["typedsse.events.published"]);
    }

    [Fact]
    public async Task Under_drop_newest_a_slow_client_stays_connected_and_events_are_counted_as_dropped()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o =>
        {
            o.MaxQueuedEventsPerConnection = 8;
            o.SlowConsumerPolicy = SlowConsumerPolicy.DropNewest;
        });
        using var metrics = new MetricsRecorder(host.Services);
        var stream = host.Streams["s"];
        using var stalled = await ConnectStalledAsync(host, "/events");
        await Wait.UntilAsync(() => stream.ConnectionCount == 1, "the client is connected");

        string payload = new('x', 4096);
        for (int i = 0; i < 3000 && metrics["typedsse.events.dropped"] == 0; i++)
        {
            await stream.PublishTextAsync("e", payload);
            await Task.Yield();
        }

        Assert.True(metrics["typedsse.events.dropped"] > 0);
        Assert.Equal(1, stream.ConnectionCount);
        Assert.Equal(0, metrics["typedsse.connections.slow_consumer_disconnects"]);
    }
}

[CollectionDefinition(nameof(HeavyTests), DisableParallelization = true)]
public class HeavyTests;
