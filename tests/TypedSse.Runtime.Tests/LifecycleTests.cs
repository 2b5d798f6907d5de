using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TypedSse.Connections;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

[Collection(nameof(HeavyTests))]
public class LifecycleTests
{
    [Fact]
    public async Task Shutdown_completes_with_1000_streams_open_and_every_stream_ends_cleanly()
    {
        var host = await StreamHost.StartAsync(
            app => app.MapEventStream("/rooms/{room}/events", "chat"),
            build: b => b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30)));
        var clients = new List<SseClient>();
        try
        {
            for (int batch = 0; batch < 10; batch++)
            {
                var opened = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => host.ConnectAsync($"/rooms/r{i % 7}/events")));
                await Task.WhenAll(opened.Select(c => c.ReadHelloAsync()));
                clients.AddRange(opened);
            }
            Assert.Equal(1000, host.Streams["chat"].ConnectionCount);

            var stopping = host.App.StopAsync();
            var ends = await Task.WhenAll(clients.Select(c => c.EndAsync()));
            await stopping.WaitAsync(Wait.Long);

            // A complete end of stream, not a reset or a cut: each client read the response to its end.
            Assert.All(ends, end => Assert.True(end.Clean, end.ToString()));
            Assert.Equal(0, host.Streams["chat"].ConnectionCount);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
            host.Client.Dispose();
            await host.App.DisposeAsync();
        }
    }

    [Fact]
    public async Task Five_thousand_connect_disconnect_cycles_leave_no_connection_behind()
    {
        await using var host = await StreamHost.StartAsync(app =>
        {
            app.MapEventStream("/rooms/{room}/events", "chat");
            app.MapEventStream("/handler", (response, ct) => Task.Delay(Timeout.Infinite, ct));
        });
        var chat = host.Streams["chat"];
        var tracker = host.Services.GetRequiredService<ConnectionTracker>();

        const int cycles = 5000;
        int next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= cycles)
            {
                await using var client = await host.ConnectAsync(i % 5 == 0 ? "/handler" : $"/rooms/r{i % 13}/events");
                await client.ReadHelloAsync();
                if (i % 3 == 0)
                {
                    await chat.PublishAsync("x", i, EventAudience.ForTopic(RouteTopic.Format("room", $"r{i % 13}")));
                }
            }
        })));

        await Wait.UntilAsync(() => tracker.Count == 0 && chat.ConnectionCount == 0, "every connection is cleaned up");
        var registry = host.Services.GetRequiredService<TypedSse.Streams.EventFanOut>()["chat"];
        Assert.Empty(registry.Snapshot);
        Assert.Null(registry.Find("anything"));

        // Nothing left in the topic index either: an event to a room reaches nobody and leaves nothing queued.
        await chat.PublishAsync("x", 0, EventAudience.ForTopic(RouteTopic.Format("room", "r1")));
        Assert.Equal(0, registry.IndexedKeys);
    }

    [Fact]
    public async Task Closing_a_connection_from_the_server_ends_its_response()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        await using var client = await host.ConnectAsync("/events");
        await client.ReadHelloAsync();
        Assert.True(host.Streams["s"].CloseConnection(client.ConnectionId!));
        Assert.True(await client.EndsAsync());
        await Wait.UntilAsync(() => host.Streams["s"].ConnectionCount == 0, "the connection is removed");
        Assert.False(host.Streams["s"].CloseConnection(client.ConnectionId!));
    }
}
