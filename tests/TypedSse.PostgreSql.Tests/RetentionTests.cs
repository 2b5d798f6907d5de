using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using TypedSse.History;
using TypedSse.PostgreSql.Retention;
using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class RetentionTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Pruning_by_count_turns_a_replay_from_before_the_history_into_a_gap()
    {
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a", options =>
        {
            options.HistorySize = 5;
            options.PruneInterval = TimeSpan.FromMilliseconds(100);
        });
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b");
        var ids = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            ids.Add(await a.PublishAsync("chat", $"{i}"));
        }
        var chat = b.Streams["chat"];

        await Eventually.TrueAsync(async () => (await chat.ReadHistoryAsync(ids[13])).Status == HistoryReadStatus.Gap, "the pruner to keep 5 events");

        var kept = await chat.ReadHistoryAsync(ids[14]);
        Assert.Equal(HistoryReadStatus.Complete, kept.Status);
        Assert.Equal(ids[15..], kept.Events.Select(e => e.Id));
        Assert.Equal(HistoryReadStatus.Gap, (await chat.ReadHistoryAsync(ids[0])).Status);

        await using var client = await b.ConnectAsync("chat", lastEventId: ids[0]);
        await Eventually.TrueAsync(() => client.Events.Count > 0, "the reset");
        var reset = client.Events[0];
        Assert.Equal("typedsse:reset", reset.EventType);
        Assert.Equal(ids[^1], reset.Id);
        using var data = JsonDocument.Parse(reset.Data);
        Assert.Equal("history-gap", data.RootElement.GetProperty("reason").GetString());
        Assert.Equal(ids[^1].ToString(System.Globalization.CultureInfo.InvariantCulture), data.RootElement.GetProperty("latestEventId").GetString());
    }

    [Fact]
    public async Task Pruning_by_age_empties_the_history_but_keeps_the_ids_known()
    {
        // Ages follow the app's clock, which the test moves; the pruner's own timer is an hour away, so the test
        // prunes when it chooses.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, TestSchemas.New(), output, "a", options =>
        {
            options.HistorySize = null;
            options.HistoryMaxAge = TimeSpan.FromMinutes(10);
            options.PruneInterval = TimeSpan.FromHours(1);
        }, time);
        var pruner = a.Services.GetServices<IHostedService>().OfType<HistoryPruner>().Single();
        var chat = a.Streams["chat"];
        long first = await a.PublishAsync("chat", "1");
        long last = await a.PublishAsync("chat", "2");

        // Ten minutes on the app's clock is not older than ten minutes: nothing goes.
        time.Advance(TimeSpan.FromMinutes(10));
        await pruner.PruneAsync(CancellationToken.None);
        var young = await chat.ReadHistoryAsync(first - 1);
        Assert.Equal(HistoryReadStatus.Complete, young.Status);
        Assert.Equal([first, last], young.Events.Select(e => e.Id));
        Assert.All(young.Events, e => Assert.Equal(time.GetUtcNow() - TimeSpan.FromMinutes(10), e.Timestamp));

        time.Advance(TimeSpan.FromSeconds(1));
        // Another instance's pruner (or this one's first run) may hold the try-lock; prune until one run has seen the new time.
        await Eventually.TrueAsync(async () =>
        {
            await pruner.PruneAsync(CancellationToken.None);
            return (await chat.ReadHistoryAsync(first)).Status == HistoryReadStatus.Gap;
        }, "the pruner to delete old events");

        var fromLast = await chat.ReadHistoryAsync(last);
        Assert.Equal(HistoryReadStatus.Complete, fromLast.Status);
        Assert.Empty(fromLast.Events);
        Assert.Equal(last, fromLast.LatestEventId);
    }

    [Fact]
    public async Task A_backlog_is_pruned_in_bounded_statements()
    {
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, TestSchemas.New(), output, "a", options =>
        {
            options.HistorySize = 5;
            options.PruneBatchSize = 4;
            options.PruneInterval = TimeSpan.FromHours(1);
        });
        var pruner = a.Services.GetServices<IHostedService>().OfType<HistoryPruner>().Single();
        var ids = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            ids.Add(await a.PublishAsync("chat", $"{i}"));
        }
        var chat = a.Streams["chat"];

        // The pruner's run at start (on an empty log) may still hold the try-lock: then a batch deletes nothing.
        long firstBatch = 0;
        await Eventually.TrueAsync(async () => (firstBatch = await pruner.PruneBatchAsync(CancellationToken.None)) > 0, "a batch to prune");
        Assert.Equal(4, firstBatch);
        Assert.Equal(HistoryReadStatus.Gap, (await chat.ReadHistoryAsync(ids[2])).Status);
        Assert.Equal(HistoryReadStatus.Complete, (await chat.ReadHistoryAsync(ids[3])).Status);

        Assert.Equal(11, await pruner.PruneAsync(CancellationToken.None));
        Assert.Equal(HistoryReadStatus.Gap, (await chat.ReadHistoryAsync(ids[13])).Status);
        Assert.Equal(ids[15..], (await chat.ReadHistoryAsync(ids[14])).Events.Select(e => e.Id));
    }
}
