using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class ReplayTests
{
    [Fact]
    public async Task After_a_forced_disconnect_the_replay_yields_every_event_exactly_once()
    {
        // Queues as large as the history: this test is about replay, not about a reader that falls behind.
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o =>
        {
            o.HistorySize = 10_000;
            o.MaxQueuedEventsPerConnection = 10_000;
        });
        var stream = host.Streams["s"];

        // A publisher runs throughout, so events land before, during and after the reconnect and its replay.
        using var stop = new CancellationTokenSource();
        int published = 0;
        var publisher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && published < 5000)
            {
                await stream.PublishAsync("n", published);
                published++;
                if (published % 50 == 0)
                {
                    await Task.Delay(1);
                }
            }
        });

        var seen = new List<int>();
        string lastEventId;
        await using (var first = await host.ConnectAsync("/events"))
        {
            await first.ReadHelloAsync();
            for (int i = 0; i < 100; i++)
            {
                seen.Add(int.Parse((await first.NextAsync()).Data));
            }
            lastEventId = first.LastEventId!;
        }

        for (int round = 0; round < 3; round++)
        {
            await using var again = await host.ConnectAsync("/events", lastEventId);
            await again.ReadHelloAsync();
            for (int i = 0; i < 300; i++)
            {
                var item = await again.NextAsync();
                Assert.Equal("n", item.EventType);
                seen.Add(int.Parse(item.Data));
            }
            lastEventId = again.LastEventId!;
        }
        stop.Cancel();
        await publisher;

        int start = seen[0];
        Assert.Equal(Enumerable.Range(start, seen.Count), seen);
    }

    [Fact]
    public async Task The_lastEventId_query_parameter_works_for_clients_that_cannot_set_headers()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        var stream = host.Streams["s"];
        long first = await stream.PublishAsync("n", 1);
        await stream.PublishAsync("n", 2);
        await stream.PublishAsync("n", 3);

        await using var client = await host.ConnectAsync($"/events?lastEventId={first}");
        await client.ReadHelloAsync();
        Assert.Equal(["2", "3"], (await client.TakeAsync(2)).Select(e => e.Data));
    }

    [Fact]
    public async Task An_id_older_than_the_history_gets_the_reset_control_event()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.HistorySize = 5);
        var stream = host.Streams["s"];
        long first = await stream.PublishAsync("n", 0);
        long last = first;
        for (int i = 1; i < 20; i++)
        {
            last = await stream.PublishAsync("n", i);
        }

        await using var client = await host.ConnectAsync("/events", first.ToString());
        await client.ReadHelloAsync();
        var reset = await client.NextAsync();
        Assert.Equal("typedsse:reset", reset.EventType);
        Assert.Equal(last.ToString(), reset.EventId);
        var data = JsonDocument.Parse(reset.Data).RootElement;
        Assert.Equal("history-gap", data.GetProperty("reason").GetString());
        Assert.Equal(first.ToString(), data.GetProperty("lastEventId").GetString());
        Assert.Equal(last.ToString(), data.GetProperty("latestEventId").GetString());

        // After the reset the connection is live from the newest id on.
        await stream.PublishAsync("n", 20);
        Assert.Equal("20", (await client.NextAsync()).Data);
    }

    [Fact]
    public async Task The_oldest_retained_event_can_still_be_resumed_from()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.HistorySize = 5);
        var stream = host.Streams["s"];
        var ids = new List<long>();
        for (int i = 0; i < 10; i++)
        {
            ids.Add(await stream.PublishAsync("n", i));
        }

        // Events 5..9 are retained: a client that saw event 4 misses nothing.
        await using var client = await host.ConnectAsync("/events", ids[4].ToString());
        await client.ReadHelloAsync();
        Assert.Equal(["5", "6", "7", "8", "9"], (await client.TakeAsync(5)).Select(e => e.Data));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("9223372036854775807")]
    public async Task An_unknown_id_gets_the_reset_control_event(string lastEventId)
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        long latest = await host.Streams["s"].PublishAsync("n", 1);

        await using var client = await host.ConnectAsync("/events", lastEventId);
        await client.ReadHelloAsync();
        var reset = await client.NextAsync();
        Assert.Equal("typedsse:reset", reset.EventType);
        Assert.Equal("unknown-id", JsonDocument.Parse(reset.Data).RootElement.GetProperty("reason").GetString());
        Assert.Equal(latest.ToString(), reset.EventId);
    }

    [Fact]
    public async Task Events_older_than_the_maximum_age_are_not_replayed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StreamHost.StartAsync(
            app => app.MapEventStream("/events", "s"),
            o => o.HistoryMaxAge = TimeSpan.FromMinutes(1),
            b => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<TimeProvider>(b.Services, time));
        var stream = host.Streams["s"];
        long first = await stream.PublishAsync("n", 1);
        time.Advance(TimeSpan.FromMinutes(2));
        await stream.PublishAsync("n", 2);

        // The first event has aged out: a client that missed it must resync, one that saw it resumes.
        await using var stale = await host.ConnectAsync("/events", (first - 1).ToString());
        await stale.ReadHelloAsync();
        Assert.Equal("typedsse:reset", (await stale.NextAsync()).EventType);
        await using var current = await host.ConnectAsync("/events", first.ToString());
        await current.ReadHelloAsync();
        Assert.Equal("2", (await current.NextAsync()).Data);
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    [InlineData("12 34")]
    [InlineData("0x10")]
    [InlineData("")]
    public async Task A_garbage_last_event_id_header_is_ignored_and_the_stream_works(string garbage)
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        await host.Streams["s"].PublishAsync("old", 0);
        await using var client = await host.ConnectAsync("/events", configure: r => r.Headers.TryAddWithoutValidation("Last-Event-ID", garbage));
        Assert.Equal(System.Net.HttpStatusCode.OK, client.Response.StatusCode);
        await client.ReadHelloAsync();

        await host.Streams["s"].PublishAsync("new", 1);
        Assert.Equal("new", (await client.NextAsync()).EventType);
    }

    [Fact]
    public async Task A_10_kb_last_event_id_or_control_characters_in_the_query_are_ignored()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        // Kestrel refuses request lines over 8 KB with 414 by itself; 6 KB of digits reaches the stream endpoint.
        foreach (var garbage in new[] { new string('7', 6 * 1024), "%00%01%0A", "12%0D%0A34", "%F0%9F%8E%89" })
        {
            await using var client = await host.ConnectAsync($"/events?lastEventId={garbage}");
            Assert.Equal(System.Net.HttpStatusCode.OK, client.Response.StatusCode);
            await client.ReadHelloAsync();
        }

        await using var header = await host.ConnectAsync("/events", configure: r => r.Headers.TryAddWithoutValidation("Last-Event-ID", new string('7', 10 * 1024)));
        Assert.Equal(System.Net.HttpStatusCode.OK, header.Response.StatusCode);
        await header.ReadHelloAsync();
        await host.Streams["s"].PublishAsync("after", 1);
        Assert.Equal("after", (await header.NextAsync()).EventType);
    }

    private sealed class UnavailableHistory : TypedSse.History.IEventHistory
    {
        public ValueTask<TypedSse.History.HistoryRead> ReadAfterAsync(string stream, long lastEventId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the history store is down");
    }

    [Fact]
    public async Task When_the_history_cannot_be_read_the_stream_ends_so_the_client_retries()
    {
        await using var host = await StreamHost.StartAsync(
            app => app.MapEventStream("/events", "s"),
            build: b => Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.Replace(
                b.Services, Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton<TypedSse.History.IEventHistory>(new UnavailableHistory())));

        await using var client = await host.ConnectAsync("/events", "12345");
        Assert.Equal(System.Net.HttpStatusCode.OK, client.Response.StatusCode);
        await client.ReadHelloAsync();
        Assert.True(await client.EndsAsync());
        await Wait.UntilAsync(() => host.Streams["s"].ConnectionCount == 0, "the connection is cleaned up");
    }
}
