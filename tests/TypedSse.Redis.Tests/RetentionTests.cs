using System.Globalization;
using System.Text.Json;
using TypedSse.History;
using TypedSse.Redis.Tests.Infrastructure;
using TypedSse.Runtime.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.Redis.Tests;

[Collection(RedisCollection.Name)]
public sealed class RetentionTests(RedisServer redis, ITestOutputHelper output)
{
    [Fact]
    public async Task Trimming_by_count_turns_a_replay_from_before_the_history_into_a_gap()
    {
        string prefix = RedisApps.NewPrefix();
        await using var a = await RedisApps.StartAsync(redis, prefix, output, "a", options => options.HistorySize = 5);
        await using var b = await RedisApps.StartAsync(redis, prefix, output, "b", options => options.HistorySize = 5);
        var ids = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            ids.Add(await a.PublishAsync("chat", $"{i}"));
        }
        var chat = b.Streams["chat"];

        Assert.Equal(HistoryReadStatus.Gap, (await chat.ReadHistoryAsync(ids[13])).Status);
        var kept = await chat.ReadHistoryAsync(ids[14]);
        Assert.Equal(HistoryReadStatus.Complete, kept.Status);
        Assert.Equal(ids[15..], kept.Events.Select(e => e.Id));
        Assert.Equal(HistoryReadStatus.Gap, (await chat.ReadHistoryAsync(ids[0])).Status);
        Assert.Equal(HistoryReadStatus.Complete, (await chat.ReadHistoryAsync(ids[19])).Status);

        await using var client = await b.ConnectAsync("chat", lastEventId: ids[0]);
        await Eventually.TrueAsync(() => client.Events.Count > 0, "the reset");
        var reset = client.Events[0];
        Assert.Equal("typedsse:reset", reset.EventType);
        Assert.Equal(ids[^1], reset.Id);
        using var data = JsonDocument.Parse(reset.Data);
        Assert.Equal("history-gap", data.RootElement.GetProperty("reason").GetString());
        Assert.Equal(ids[^1].ToString(CultureInfo.InvariantCulture), data.RootElement.GetProperty("latestEventId").GetString());
    }

    [Fact]
    public async Task Trimming_by_age_empties_the_history_but_keeps_the_ids_known()
    {
        // Ages follow the app's clock, which the test moves.
        var time = new ManualTime(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));
        await using var a = await RedisApps.StartAsync(redis, RedisApps.NewPrefix(), output, "a", options =>
        {
            options.HistorySize = null;
            options.HistoryMaxAge = TimeSpan.FromMinutes(10);
        }, time);
        var chat = a.Streams["chat"];
        long first = await a.PublishAsync("chat", "1");
        time.Advance(TimeSpan.FromMilliseconds(1));
        long last = await a.PublishAsync("chat", "2");

        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        var young = await chat.ReadHistoryAsync(first - 1);
        Assert.Equal(HistoryReadStatus.Complete, young.Status);
        Assert.Equal([first, last], young.Events.Select(e => e.Id));
        Assert.Equal(time.Now - TimeSpan.FromMinutes(10), young.Events[0].Timestamp);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HistoryReadStatus.Gap, (await chat.ReadHistoryAsync(first - 1)).Status);
        Assert.Equal([last], (await chat.ReadHistoryAsync(first)).Events.Select(e => e.Id));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HistoryReadStatus.Gap, (await chat.ReadHistoryAsync(first)).Status);
        var fromLast = await chat.ReadHistoryAsync(last);
        Assert.Equal(HistoryReadStatus.Complete, fromLast.Status);
        Assert.Empty(fromLast.Events);
        Assert.Equal(last, fromLast.LatestEventId);

        // Ids keep increasing past the trimmed ones, and the clock keeps them above the publish time.
        long next = await a.PublishAsync("chat", "3");
        Assert.True(next > last);
        Assert.Equal(HistoryReadStatus.Complete, (await chat.ReadHistoryAsync(last)).Status);
    }
}
