using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using TypedSse.Redis.Delivery;
using TypedSse.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.Redis.Tests;

[Collection(RedisCollection.Name)]
public sealed class ReadingTests(RedisServer redis, ITestOutputHelper output)
{
    [Fact]
    public async Task An_instance_reads_only_the_streams_it_has_connections_of_and_stops_with_the_last()
    {
        string prefix = RedisApps.NewPrefix();
        await using var a = await RedisApps.StartAsync(redis, prefix, output, "a");
        await using var b = await RedisApps.StartAsync(redis, prefix, output, "b");
        using var metricsOfB = new MetricsRecorder(b, "TypedSse.Redis");
        var readers = b.Services.GetRequiredService<StreamReaders>();
        Assert.Empty(readers.ReadStreams);

        await using (var first = await b.ConnectAsync("chat"))
        {
            await using (var second = await b.ConnectAsync("chat"))
            {
                Assert.Equal(["chat"], readers.ReadStreams);
                for (int i = 0; i < 10; i++)
                {
                    await a.PublishAsync("news", $"{i}");
                }
                await a.PublishAsync("chat", "c1");
                await second.WaitForCountAsync(1);
            }
            await Eventually.TrueAsync(() => b.Streams["chat"].ConnectionCount == 1, "the second connection to close");
            Assert.Equal(["chat"], readers.ReadStreams);
            await first.WaitForCountAsync(1);
        }
        await Eventually.TrueAsync(() => readers.ReadStreams.Length == 0, "b to stop reading chat");

        // Nothing of news was read or notified on b; chat's one event was.
        Assert.Equal(1, metricsOfB.Sum("typedsse.redis.events.read"));
        Assert.Equal(1, metricsOfB.Sum("typedsse.redis.notifications.received"));
        Assert.Equal(0, metricsOfB.Sum("typedsse.redis.streams.read"));

        // While b reads nothing, a publishes; a connection that comes back with its id misses nothing.
        long before = await a.PublishAsync("chat", "c2");
        long missed = await a.PublishAsync("chat", "c3");
        await using var again = await b.ConnectAsync("chat", lastEventId: before);
        long live = await a.PublishAsync("chat", "c4");
        await again.WaitForCountAsync(2);
        Assert.Equal([missed, live], again.AppEvents.Select(e => e.Id!.Value));
        Assert.Equal(["chat"], readers.ReadStreams);
    }

    [Fact]
    public async Task The_backplane_takes_an_existing_multiplexer_and_reports_its_health()
    {
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        string prefix = RedisApps.NewPrefix();
        await using var a = await BackplaneApp.StartAsync(typedSse => typedSse.AddRedisBackplane(multiplexer, options => options.KeyPrefix = prefix), output);
        await using var client = await a.ConnectAsync("chat");

        long id = await a.PublishAsync("chat", "hello");

        await client.WaitForCountAsync(1);
        Assert.Equal(id, client.AppEvents[0].Id);
        Assert.Equal(1, await multiplexer.GetDatabase().StreamLengthAsync($"{prefix}:{{chat}}:events"));
        var health = await a.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains("typedsse-redis", health.Entries.Keys);
    }
}
