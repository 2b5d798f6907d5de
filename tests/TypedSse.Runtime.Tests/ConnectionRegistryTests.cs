using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TypedSse.Connections;
using TypedSse.Diagnostics;

namespace TypedSse.Runtime.Tests;

public sealed class ConnectionRegistryTests
{
    [Fact]
    public void A_stream_served_again_after_a_backplane_was_told_it_was_left_starts_with_nothing_delivered()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new TypedSseMetrics(services.GetRequiredService<IMeterFactory>());
        var told = new List<string>();
        var watched = new ConnectionRegistry(() => told.Add("opened"), () => told.Add("closed"));
        var unwatched = new ConnectionRegistry();

        foreach (var registry in new[] { watched, unwatched })
        {
            var first = Connection(metrics);
            Assert.Equal(0, registry.Add(first));
            registry.Deliver(new StreamEvent("s", 42, null, "{}"u8.ToArray(), default, DateTimeOffset.UnixEpoch));
            Assert.Equal(42, registry.Add(Connection(metrics)));
            registry.Remove(first);
            registry.Remove(registry.Snapshot.Single());
        }

        // The backplane may have stopped reading the stream: 42 is no longer where its delivery continues.
        Assert.Equal(0, watched.Add(Connection(metrics)));
        // Without one, every event reaches the registry, and the newest delivered is still where a connection starts.
        Assert.Equal(42, unwatched.Add(Connection(metrics)));
        Assert.Equal(["opened", "closed", "opened"], told);
    }

    private static EventStreamConnection Connection(TypedSseMetrics metrics)
    {
        var output = new ConnectionOutput(new DefaultHttpContext(), ["s"], multiplexed: false, 16, SlowConsumerPolicy.Disconnect, metrics, TimeProvider.System);
        return new EventStreamConnection(output, 0, "s", null, new HashSet<string>(), new RouteValueDictionary(), JsonSerializerOptions.Default, DateTimeOffset.UnixEpoch);
    }
}
