using Microsoft.AspNetCore.Builder;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class MetricsTests
{
    [Fact]
    public async Task Connections_events_bytes_and_replays_are_counted()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        using var metrics = new MetricsRecorder(host.Services);
        var stream = host.Streams["s"];
        await using var first = await host.ConnectAsync("/events");
        await using var second = await host.ConnectAsync("/events");
        await first.ReadHelloAsync();
        await second.ReadHelloAsync();

        long id = await stream.PublishAsync("x", 1);
        await stream.PublishAsync("x", 2);
        await first.TakeAsync(2);
        await second.TakeAsync(2);
        await using var replaying = await host.ConnectAsync("/events", id.ToString());
        await replaying.ReadHelloAsync();
        await replaying.NextAsync();

        await Wait.UntilAsync(() => metrics["typedsse.events.delivered"] == 4, "both live events are counted for both clients");
        Assert.Equal(3, metrics["typedsse.connections.opened"]);
        Assert.Equal(3, metrics["typedsse.connections.active"]);
        Assert.Equal(2, metrics["typedsse.events.published"]);
        Assert.Equal(1, metrics["typedsse.events.replayed"]);
        Assert.True(metrics["typedsse.bytes.sent"] > 0);

        await replaying.DisposeAsync();
        await Wait.UntilAsync(() => metrics["typedsse.connections.active"] == 2, "the closed connection is no longer active");
    }
}
