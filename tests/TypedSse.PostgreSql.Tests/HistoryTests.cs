using System.Text.Json;
using TypedSse.History;
using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class HistoryTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Replay_follows_the_in_memory_rules_for_known_and_unknown_ids()
    {
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, TestSchemas.New(), output);
        var chat = a.Streams["chat"];

        Assert.Equal(Expected(HistoryReadStatus.Complete, [], 0), Summary(await chat.ReadHistoryAsync(0)));
        Assert.Equal(HistoryReadStatus.UnknownId, (await chat.ReadHistoryAsync(5)).Status);

        long first = await a.PublishAsync("chat", "1");
        long otherStream = await a.PublishAsync("news", "n");
        long second = await a.PublishAsync("chat", "2");

        Assert.Equal(Expected(HistoryReadStatus.Complete, [first, second], second), Summary(await chat.ReadHistoryAsync(first - 1)));
        Assert.Equal(Expected(HistoryReadStatus.Complete, [second], second), Summary(await chat.ReadHistoryAsync(first)));
        Assert.Equal(Expected(HistoryReadStatus.Complete, [], second), Summary(await chat.ReadHistoryAsync(second)));
        Assert.Equal(Expected(HistoryReadStatus.UnknownId, [], second), Summary(await chat.ReadHistoryAsync(second + 1)));
        Assert.Equal(Expected(HistoryReadStatus.UnknownId, [], second), Summary(await chat.ReadHistoryAsync(otherStream)));
        Assert.Equal(Expected(HistoryReadStatus.UnknownId, [], second), Summary(await chat.ReadHistoryAsync(0)));

        var replayed = (await chat.ReadHistoryAsync(first - 1)).Events;
        Assert.Equal("n", replayed[0].EventName);
        Assert.Equal("1"u8.ToArray(), replayed[0].Data.ToArray());
    }

    [Fact]
    public async Task An_unknown_id_gets_a_reset_on_any_instance()
    {
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a");
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b");
        long latest = await a.PublishAsync("chat", "1");

        await using var client = await b.ConnectAsync("chat", lastEventId: latest + 1000);
        await Eventually.TrueAsync(() => client.Events.Count > 0, "the reset");

        var reset = client.Events[0];
        Assert.Equal("typedsse:reset", reset.EventType);
        Assert.Equal(latest, reset.Id);
        using var data = JsonDocument.Parse(reset.Data);
        Assert.Equal("unknown-id", data.RootElement.GetProperty("reason").GetString());
    }

    private static string Summary(HistoryRead read) => Expected(read.Status, [.. read.Events.Select(e => e.Id)], read.LatestEventId);

    private static string Expected(HistoryReadStatus status, long[] ids, long latest) => $"{status} [{string.Join(", ", ids)}] latest {latest}";
}
