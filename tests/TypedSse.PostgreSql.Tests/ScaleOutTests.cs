using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ScaleOutTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_that_moves_to_another_instance_gets_exactly_the_events_it_missed()
    {
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a");
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b");
        using var metrics = new MetricsRecorder(b.MeterFactory, "TypedSse.PostgreSql");

        var published = new List<long>();
        await using (var onA = await a.ConnectAsync("chat"))
        {
            for (int i = 1; i <= 5; i++)
            {
                published.Add(await (i % 2 == 0 ? b : a).PublishAsync("chat", $"{i}"));
            }
            await onA.WaitForCountAsync(5);
            Assert.Equal(published, onA.AppEvents.Select(e => e.Id!.Value));
            Assert.Equal(["1", "2", "3", "4", "5"], onA.AppEvents.Select(e => e.Data));
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

        Assert.True(metrics.Sum("typedsse.postgresql.notifications.received") > 0);
        // b read and delivered only 11: it served no chat while 1 to 10 were published, and 6 to 10 came from the replay.
        Assert.Equal(1, metrics.Count("typedsse.postgresql.delivery.lag"));
    }

    [Fact]
    public async Task User_targeted_events_are_replayed_on_another_instance_only_to_their_user()
    {
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a");
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b");

        long before = await a.PublishAsync("chat", "before");
        await a.PublishAsync("chat", "all-1");
        await a.PublishAsync("chat", "ada-1", EventAudience.ForUser("ada"));
        await a.PublishAsync("chat", "bob-1", EventAudience.ForUser("bob"));
        await a.PublishAsync("chat", "all-2");

        await using var ada = await b.ConnectAsync("chat", before, user: "ada");
        await using var bob = await b.ConnectAsync("chat", before, user: "bob");
        await using var anonymous = await b.ConnectAsync("chat", before);

        // Live, through the other instance, with the same rules.
        await a.PublishAsync("chat", "ada-2", EventAudience.ForUser("ada"));
        await a.PublishAsync("chat", "end");
        foreach (var client in new[] { ada, bob, anonymous })
        {
            await client.WaitForAsync(events => events.Any(e => e.Data == "end"), "the end event");
        }

        Assert.Equal(["all-1", "ada-1", "all-2", "ada-2", "end"], ada.AppEvents.Select(e => e.Data));
        Assert.Equal(["all-1", "bob-1", "all-2", "end"], bob.AppEvents.Select(e => e.Data));
        Assert.Equal(["all-1", "all-2", "end"], anonymous.AppEvents.Select(e => e.Data));
    }

    [Fact]
    public async Task Ten_thousand_events_arrive_once_each_in_order_per_stream()
    {
        const int PerPublisher = 2_500;
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a");
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b");
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

        var patience = TimeSpan.FromSeconds(60);
        await chatOnA.WaitForCountAsync(2 * PerPublisher, patience);
        await chatOnB.WaitForCountAsync(2 * PerPublisher, patience);
        await newsOnB.WaitForCountAsync(2 * PerPublisher, patience);

        foreach (var (client, stream) in new[] { (chatOnA, "chat"), (chatOnB, "chat"), (newsOnB, "news") })
        {
            var received = client.AppEvents;
            var receivedIds = received.Select(e => e.Id!.Value).ToList();
            Assert.Equal(2 * PerPublisher, received.Count);
            Assert.Equal(ids[stream].Order(), receivedIds);
            // Each publisher awaited its publishes one by one, so its events arrive in the order it sent them.
            foreach (var publisher in received.GroupBy(e => e.Data.Split(':')[0]))
            {
                Assert.Equal(Enumerable.Range(0, PerPublisher), publisher.Select(e => int.Parse(e.Data.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
    }

    [Fact]
    public async Task An_event_larger_than_a_notification_payload_arrives_whole()
    {
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a");
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b");
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
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, TestSchemas.New(), output);

        var error = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await a.PublishAsync("chat", "x", EventAudience.Where(_ => true)));
        Assert.Contains("topic", error.Message, StringComparison.Ordinal);
        Assert.Contains("user", error.Message, StringComparison.Ordinal);
    }
}
