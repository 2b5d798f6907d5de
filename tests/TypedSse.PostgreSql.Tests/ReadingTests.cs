using Microsoft.Extensions.DependencyInjection;
using TypedSse.PostgreSql.Delivery;
using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ReadingTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const string Reads = "typedsse.postgresql.reads";

    [Fact]
    public async Task An_instance_reads_only_the_streams_it_has_connections_of_and_stops_with_the_last()
    {
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a");
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b");
        using var metricsOfB = new MetricsRecorder(b.MeterFactory, "TypedSse.PostgreSql");
        var served = b.Services.GetRequiredService<ServedStreams>();
        Assert.Empty(served.Names);

        // With no connection, notifications cost b no read.
        await a.PublishAsync("chat", "unserved");
        await Eventually.TrueAsync(() => metricsOfB.Sum("typedsse.postgresql.notifications.received") == 1, "b to be notified");
        Assert.Equal(0, metricsOfB.Sum(Reads));

        await using (var first = await b.ConnectAsync("chat"))
        {
            await using (var second = await b.ConnectAsync("chat"))
            {
                Assert.Equal(["chat"], served.Names);
                double readsWhenJoined = metricsOfB.Sum(Reads);
                for (int i = 0; i < 10; i++)
                {
                    await a.PublishAsync("news", $"{i}");
                }
                await Eventually.TrueAsync(() => metricsOfB.Sum("typedsse.postgresql.notifications.received") == 11, "b to be notified of news");
                Assert.Equal(readsWhenJoined, metricsOfB.Sum(Reads));

                await a.PublishAsync("chat", "c1");
                await second.WaitForCountAsync(1);
                Assert.True(metricsOfB.Sum(Reads) > readsWhenJoined);
            }
            await Eventually.TrueAsync(() => b.Streams["chat"].ConnectionCount == 1, "the second connection to close");
            Assert.Equal(["chat"], served.Names);
            await first.WaitForCountAsync(1);
        }
        await Eventually.TrueAsync(() => served.Names.Length == 0, "b to stop reading chat");

        // Of all that was published, b read the one chat event published while it served chat.
        Assert.Equal(1, metricsOfB.Sum("typedsse.postgresql.events.read"));
        Assert.Equal(0, metricsOfB.Sum("typedsse.postgresql.streams.read"));
        double readsWhenLeft = metricsOfB.Sum(Reads);
        await a.PublishAsync("chat", "unserved again");
        await Eventually.TrueAsync(() => metricsOfB.Sum("typedsse.postgresql.notifications.received") == 13, "b to be notified");
        Assert.Equal(readsWhenLeft, metricsOfB.Sum(Reads));
    }
}
