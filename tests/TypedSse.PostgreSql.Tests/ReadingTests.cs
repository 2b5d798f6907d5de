using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TypedSse.History;
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

    [Fact]
    public async Task A_stream_left_and_joined_again_past_pruning_starts_from_its_newest_id_and_keeps_its_connections()
    {
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a", options =>
        {
            options.HistorySize = 5;
            options.PruneInterval = TimeSpan.FromMilliseconds(100);
        });
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b");
        using var metricsOfB = new MetricsRecorder(b.MeterFactory, "TypedSse.PostgreSql");
        var served = b.Services.GetRequiredService<ServedStreams>();

        long seen;
        await using (var client = await b.ConnectAsync("chat"))
        {
            seen = await a.PublishAsync("chat", "seen");
            await client.WaitForCountAsync(1);
        }
        await Eventually.TrueAsync(() => served.Names.Length == 0, "b to stop reading chat");

        var ids = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            ids.Add(await a.PublishAsync("chat", $"{i}"));
        }
        var chat = b.Streams["chat"];
        await Eventually.TrueAsync(async () => (await chat.ReadHistoryAsync(seen)).Status == HistoryReadStatus.Gap, "the pruner to keep 5 events");

        // Joined again: from the newest id, with no backlog to read and no gap to close it for.
        await using var rejoined = await b.ConnectAsync("chat");
        await using var withItsId = await b.ConnectAsync("chat", lastEventId: seen);
        await Eventually.TrueAsync(() => rejoined.Received.Count > 0 && withItsId.Events.Count > 0, "both hellos and the reset");
        Assert.Equal(ids[^1], rejoined.Received[0].Id);
        var reset = withItsId.Events[0];
        Assert.Equal("typedsse:reset", reset.EventType);
        Assert.Equal("history-gap", JsonDocument.Parse(reset.Data).RootElement.GetProperty("reason").GetString());

        long live = await a.PublishAsync("chat", "live");
        await rejoined.WaitForCountAsync(1);
        await withItsId.WaitForCountAsync(1);
        Assert.Equal([live], rejoined.AppEvents.Select(e => e.Id!.Value));
        Assert.Equal([live], withItsId.AppEvents.Select(e => e.Id!.Value));
        Assert.Equal(2, chat.ConnectionCount);
        Assert.DoesNotContain(rejoined.Received, e => e.EventType == "typedsse:close");
        Assert.Equal(2, metricsOfB.Sum("typedsse.postgresql.events.read"));
    }
}
