using Microsoft.Extensions.DependencyInjection;
using TypedSse.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.Redis.Tests;

[Collection(RedisCollection.Name)]
public sealed class OutageTests(RedisServer redis, ITestOutputHelper output)
{
    [Fact]
    public async Task A_redis_restart_mid_stream_loses_nothing_acknowledged()
    {
        string prefix = RedisApps.NewPrefix();
        await using var a = await RedisApps.StartAsync(redis, prefix, output, "a");
        await using var b = await RedisApps.StartAsync(redis, prefix, output, "b");
        using var metricsOfB = new MetricsRecorder(b, "TypedSse.Redis");
        await using var onA = await a.ConnectAsync("chat");
        await using var onB = await b.ConnectAsync("chat");

        var published = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            published.Add(await a.PublishAsync("chat", $"{i}"));
        }
        await onB.WaitForCountAsync(20);

        await redis.StopAsync();
        try
        {
            var error = await Assert.ThrowsAsync<RedisBackplaneException>(async () => await a.PublishAsync("chat", "during the outage"));
            Assert.Contains("not published", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await redis.StartAsync();
        }

        // Publish as soon as each instance is connected again: what a publishes before b's subscription is back
        // reaches b through its catch-up read.
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                published.Add(await a.PublishAsync("chat", $"{published.Count}"));
                return true;
            }
            catch (RedisBackplaneException)
            {
                return false;
            }
        }, "a to publish again");
        for (int i = published.Count; i < 40; i++)
        {
            published.Add(await a.PublishAsync("chat", $"{i}"));
        }
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                published.Add(await b.PublishAsync("chat", $"{published.Count}"));
                return true;
            }
            catch (RedisBackplaneException)
            {
                return false;
            }
        }, "b to publish again");
        for (int i = published.Count; i < 50; i++)
        {
            published.Add(await b.PublishAsync("chat", $"{i}"));
        }

        // A client that reconnects after the restart is replayed from the AOF-restored stream.
        await using var reconnected = await b.ConnectAsync("chat", lastEventId: published[9]);

        await onA.WaitForCountAsync(50);
        await onB.WaitForCountAsync(50);
        foreach (var client in new[] { onA, onB })
        {
            Assert.Equal(published, client.AppEvents.Select(e => e.Id!.Value));
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"{i}"), client.AppEvents.Select(e => e.Data));
        }
        await reconnected.WaitForCountAsync(40);
        Assert.Equal(published[10..], reconnected.AppEvents.Select(e => e.Id!.Value));
        Assert.DoesNotContain(reconnected.Events, e => e.EventType == "typedsse:reset");
        Assert.True(metricsOfB.Sum("typedsse.redis.reconnects") >= 1);
    }

    [Fact]
    public async Task An_instance_does_not_start_without_redis()
    {
        var error = await Assert.ThrowsAsync<RedisBackplaneException>(() => BackplaneApp.StartAsync(
            typedSse => typedSse.AddRedisBackplane("127.0.0.1:1,connectTimeout=500", options => options.KeyPrefix = RedisApps.NewPrefix()), output));
        Assert.Contains("could not start", error.Message, StringComparison.Ordinal);
    }
}
