using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using TypedSse.History;
using Xunit.Abstractions;

namespace TypedSse.Testing;

/// <summary>
/// What every backplane promises, whichever engine is behind it: each test project runs these against its backplane
/// by deriving from this class and starting app instances over one shared scope (a schema, a key prefix).
/// </summary>
public abstract class BackplaneContractTests(ITestOutputHelper output)
{
    protected ITestOutputHelper Output => output;

    /// <summary>A scope of its own for one test, so tests share the server but not their events.</summary>
    protected abstract string NewScope();

    /// <summary>
    /// Starts an instance over the backplane in <paramref name="scope"/>, reading at most <paramref name="readBatchSize"/>
    /// events at a time and, if <paramref name="historySize"/> is set, keeping that many events per stream (trimmed or
    /// pruned soon after a publish).
    /// </summary>
    protected abstract Task<BackplaneApp> StartAsync(string scope, string name, int? readBatchSize = null, int? historySize = null);

    [Fact]
    public async Task A_client_that_moves_to_another_instance_gets_exactly_the_events_it_missed()
    {
        string scope = NewScope();
        await using var a = await StartAsync(scope, "a");
        await using var b = await StartAsync(scope, "b");

        var published = new List<long>();
        await using (var onA = await a.ConnectAsync("chat"))
        {
            for (int i = 1; i <= 5; i++)
            {
                published.Add(await (i % 2 == 0 ? b : a).PublishAsync("chat", $"{i}"));
            }
            await onA.WaitForCountAsync(5);
            Assert.Equal(published, onA.AppEvents.Select(e => e.Id!.Value));
        }

        for (int i = 6; i <= 10; i++)
        {
            published.Add(await (i % 2 == 0 ? b : a).PublishAsync("chat", $"{i}"));
        }
        await using var onB = await b.ConnectAsync("chat", lastEventId: published[4]);
        await onB.WaitForCountAsync(5);
        published.Add(await a.PublishAsync("chat", "11"));
        await onB.WaitForCountAsync(6);

        Assert.Equal(["6", "7", "8", "9", "10", "11"], onB.AppEvents.Select(e => e.Data));
        Assert.Equal(published[5..], onB.AppEvents.Select(e => e.Id!.Value));
        Assert.DoesNotContain(onB.Events, e => e.EventType == "typedsse:reset");
    }

    [Fact]
    public async Task A_stream_joined_later_delivers_from_the_join_and_replays_after_its_ids()
    {
        string scope = NewScope();
        await using var a = await StartAsync(scope, "a");
        await using var b = await StartAsync(scope, "b");
        await using var newsOnB = await b.ConnectAsync("news");
        for (int i = 1; i <= 3; i++)
        {
            await a.PublishAsync("chat", $"before-{i}");
        }
        long newest = await a.PublishAsync("chat", "before-4");

        long live;
        await using (var chatOnB = await b.ConnectAsync("chat"))
        {
            // It starts at the newest id when it joined, and what follows arrives: nothing before, nothing lost.
            await Eventually.TrueAsync(() => chatOnB.Received.Count > 0, "the hello");
            Assert.Equal(newest, chatOnB.Received[0].Id);
            live = await a.PublishAsync("chat", "live");
            await chatOnB.WaitForCountAsync(1);
            Assert.Equal([live], chatOnB.AppEvents.Select(e => e.Id!.Value));
        }
        await Eventually.TrueAsync(() => b.Streams["chat"].ConnectionCount == 0, "the chat connection on b to close");

        long missed = await a.PublishAsync("chat", "missed");
        await using var again = await b.ConnectAsync("chat", lastEventId: live);
        long after = await a.PublishAsync("chat", "after");
        await again.WaitForCountAsync(2);
        Assert.Equal([missed, after], again.AppEvents.Select(e => e.Id!.Value));
        Assert.DoesNotContain(again.Events, e => e.EventType == "typedsse:reset");
        Assert.Empty(newsOnB.AppEvents);
    }

    [Fact]
    public async Task A_stream_left_and_joined_again_past_the_history_starts_from_its_newest_id_and_keeps_its_connections()
    {
        string scope = NewScope();
        await using var a = await StartAsync(scope, "a", historySize: 5);
        await using var b = await StartAsync(scope, "b");

        long seen;
        await using (var client = await b.ConnectAsync("chat"))
        {
            seen = await a.PublishAsync("chat", "seen");
            await client.WaitForCountAsync(1);
        }
        await Eventually.TrueAsync(() => b.Streams["chat"].ConnectionCount == 0, "the chat connection on b to close");

        var ids = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            ids.Add(await a.PublishAsync("chat", $"{i}"));
        }
        var chat = b.Streams["chat"];
        await Eventually.TrueAsync(async () => (await chat.ReadHistoryAsync(seen)).Status == HistoryReadStatus.Gap, "the history to keep 5 events");

        // Joined again: from the newest id, with no backlog to read and no gap to close the connections for.
        await using var rejoined = await b.ConnectAsync("chat");
        await using var withItsId = await b.ConnectAsync("chat", lastEventId: seen);
        await Eventually.TrueAsync(() => rejoined.Received.Count > 0 && withItsId.Events.Count > 0, "the hello and the reset");
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
    }

    [Fact]
    public async Task Replay_on_another_instance_keeps_user_and_topic_events_to_their_audience()
    {
        string scope = NewScope();
        await using var a = await StartAsync(scope, "a");
        await using var b = await StartAsync(scope, "b");

        long before = await a.PublishAsync("chat", "before");
        await a.PublishAsync("chat", "all-1");
        await a.PublishAsync("chat", "ada-1", EventAudience.ForUser("ada"));
        await a.PublishAsync("chat", "bob-1", EventAudience.ForUser("bob"));
        await a.PublishAsync("chat", "lobby-1", EventAudience.ForTopic("lobby"));
        await a.PublishAsync("chat", "all-2");

        await using var ada = await b.ConnectAsync("chat", before, user: "ada");
        await using var bob = await b.ConnectAsync("chat", before, user: "bob", topic: "lobby");
        await using var anonymous = await b.ConnectAsync("chat", before);

        await a.PublishAsync("chat", "ada-2", EventAudience.ForUser("ada"));
        await a.PublishAsync("chat", "lobby-2", EventAudience.ForTopic("lobby"));
        await a.PublishAsync("chat", "end");
        foreach (var client in new[] { ada, bob, anonymous })
        {
            await client.WaitForAsync(events => events.Any(e => e.Data == "end"), "the end event");
        }

        Assert.Equal(["all-1", "ada-1", "all-2", "ada-2", "end"], ada.AppEvents.Select(e => e.Data));
        Assert.Equal(["all-1", "bob-1", "lobby-1", "all-2", "lobby-2", "end"], bob.AppEvents.Select(e => e.Data));
        Assert.Equal(["all-1", "all-2", "end"], anonymous.AppEvents.Select(e => e.Data));
    }

    [Fact]
    public async Task History_reads_follow_the_in_memory_rules_for_known_and_unknown_ids()
    {
        await using var a = await StartAsync(NewScope(), "a");
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
        string scope = NewScope();
        await using var a = await StartAsync(scope, "a");
        await using var b = await StartAsync(scope, "b");
        long latest = await a.PublishAsync("chat", "1");

        await using var client = await b.ConnectAsync("chat", lastEventId: latest + 1000);
        await Eventually.TrueAsync(() => client.Events.Count > 0, "the reset");

        var reset = client.Events[0];
        Assert.Equal("typedsse:reset", reset.EventType);
        Assert.Equal(latest, reset.Id);
        using var data = JsonDocument.Parse(reset.Data);
        Assert.Equal("unknown-id", data.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_replay_longer_than_a_read_batch_arrives_whole_and_in_order()
    {
        const int Count = 1_050;
        string scope = NewScope();
        await using var a = await StartAsync(scope, "a", readBatchSize: 100);
        await using var b = await StartAsync(scope, "b", readBatchSize: 100);
        long before = await a.PublishAsync("chat", "before");
        var ids = new List<long>();
        for (int i = 0; i < Count; i++)
        {
            ids.Add(await a.PublishAsync("chat", $"{i}", i % 3 == 0 ? EventAudience.ForUser("ada") : default));
        }

        await using var bob = await b.ConnectAsync("chat", before, user: "bob");
        await using var ada = await b.ConnectAsync("chat", before, user: "ada");
        long live = await a.PublishAsync("chat", "live");

        await ada.WaitForCountAsync(Count + 1);
        await bob.WaitForAsync(events => events.Any(e => e.Data == "live"), "the live event");
        Assert.Equal([.. ids, live], ada.AppEvents.Select(e => e.Id!.Value));
        Assert.Equal([.. ids.Where((_, i) => i % 3 != 0), live], bob.AppEvents.Select(e => e.Id!.Value));
    }

    [Fact]
    public async Task A_long_history_read_holds_one_batch_and_streams_the_rest()
    {
        await using var a = await StartAsync(NewScope(), "a", readBatchSize: 100);
        long before = await a.PublishAsync("chat", "before");
        var ids = new List<long>();
        for (int i = 0; i < 250; i++)
        {
            ids.Add(await a.PublishAsync("chat", $"{i}"));
        }

        var read = await a.Streams["chat"].ReadHistoryAsync(before);

        Assert.Equal(HistoryReadStatus.Complete, read.Status);
        Assert.Equal(ids[..100], read.Events.Select(e => e.Id));
        Assert.NotNull(read.More);
        var rest = new List<long>();
        await foreach (var streamEvent in read.More)
        {
            rest.Add(streamEvent.Id);
        }
        Assert.Equal(ids[100..], rest);
        Assert.Null((await a.Streams["chat"].ReadHistoryAsync(ids[200])).More);
    }

    [Fact]
    public async Task Events_from_two_instances_arrive_once_each_in_order_per_stream()
    {
        const int PerPublisher = 1_000;
        string scope = NewScope();
        await using var a = await StartAsync(scope, "a");
        await using var b = await StartAsync(scope, "b");
        await using var chatOnA = await a.ConnectAsync("chat");
        await using var chatOnB = await b.ConnectAsync("chat");
        await using var newsOnB = await b.ConnectAsync("news");

        var ids = new ConcurrentDictionary<string, ConcurrentBag<long>>();
        var publishers = new[] { (a, "chat"), (b, "chat"), (a, "news"), (b, "news") }.Select((p, index) => Task.Run(async () =>
        {
            var (instance, stream) = p;
            var bag = ids.GetOrAdd(stream, _ => []);
            for (int i = 0; i < PerPublisher; i++)
            {
                bag.Add(await instance.PublishAsync(stream, $"{index}:{i}"));
            }
        }));
        await Task.WhenAll(publishers);

        foreach (var (client, stream) in new[] { (chatOnA, "chat"), (chatOnB, "chat"), (newsOnB, "news") })
        {
            await client.WaitForCountAsync(2 * PerPublisher);
            var received = client.AppEvents;
            Assert.Equal(ids[stream].Order(), received.Select(e => e.Id!.Value));
            foreach (var publisher in received.GroupBy(e => e.Data.Split(':')[0]))
            {
                Assert.Equal(Enumerable.Range(0, PerPublisher), publisher.Select(e => int.Parse(e.Data.Split(':')[1], CultureInfo.InvariantCulture)));
            }
        }
    }

    [Fact]
    public async Task A_large_event_arrives_whole()
    {
        string scope = NewScope();
        await using var a = await StartAsync(scope, "a");
        await using var b = await StartAsync(scope, "b");
        await using var onB = await b.ConnectAsync("chat");
        string large = string.Concat(Enumerable.Repeat("0123456789", 10_000));

        long id = await a.PublishAsync("chat", large);

        await onB.WaitForCountAsync(1);
        Assert.Equal(id, onB.AppEvents[0].Id);
        Assert.Equal(large, onB.AppEvents[0].Data);
    }

    [Fact]
    public async Task A_predicate_audience_cannot_cross_instances()
    {
        await using var a = await StartAsync(NewScope(), "a");

        var error = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await a.PublishAsync("chat", "x", EventAudience.Where(_ => true)));
        Assert.Contains("topic", error.Message, StringComparison.Ordinal);
        Assert.Contains("user", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_a_user_on_one_instance_ends_its_streams_on_the_other_and_no_later_event_reaches_them()
    {
        string scope = NewScope();
        await using var a = await StartAsync(scope, "a");
        await using var b = await StartAsync(scope, "b");

        await using var adaOnA = await a.ConnectAsync("chat", user: "ada");
        await using var adaOnB = await b.ConnectAsync("news", user: "ada");
        await using var bobOnB = await b.ConnectAsync("news", user: "bob");
        await a.PublishAsync("news", "before");
        await adaOnB.WaitForAsync(events => events.Any(e => e.Data == "before"), "the event before the sign-out");

        Assert.Equal(1, await a.Streams.CloseUserAsync("ada", "signed-out"));

        foreach (var client in new[] { adaOnA, adaOnB })
        {
            Assert.True(await client.EndsAsync());
            var close = Assert.Single(client.Received, e => e.EventType == "typedsse:close");
            Assert.Equal("signed-out", JsonDocument.Parse(close.Data).RootElement.GetProperty("reason").GetString());
        }
        await a.PublishAsync("news", "after");
        await bobOnB.WaitForAsync(events => events.Any(e => e.Data == "after"), "the event after the sign-out");
        Assert.DoesNotContain(adaOnB.AppEvents, e => e.Data == "after");
        Assert.Equal(0, b.Streams["news"].Connections.Count(c => c.UserId == "ada"));
    }

    [Fact]
    public async Task A_sign_out_in_another_scope_closes_nothing()
    {
        await using var a = await StartAsync(NewScope(), "a");
        await using var b = await StartAsync(NewScope(), "b");
        await using var adaOnB = await b.ConnectAsync("news", user: "ada");

        Assert.Equal(0, await a.Streams.CloseUserAsync("ada", "signed-out"));
        long id = await b.PublishAsync("news", "still-here");

        await adaOnB.WaitForAsync(events => events.Any(e => e.Id == id), "the event after the other scope's sign-out");
        Assert.DoesNotContain(adaOnB.Received, e => e.EventType == "typedsse:close");
    }

    private static string Summary(HistoryRead read) => Expected(read.Status, [.. read.Events.Select(e => e.Id)], read.LatestEventId);

    private static string Expected(HistoryReadStatus status, long[] ids, long latest) => $"{status} [{string.Join(", ", ids)}] latest {latest}";
}
