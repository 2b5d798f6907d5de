using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

/// <summary>A snapshot and its stream position: a client that reads the stream from the position applies exactly what came after.</summary>
public class SnapshotTests
{
    private sealed class Counter
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);
    }

    private static void MapCounter(WebApplication app, Counter counter)
    {
        app.MapEventStream("/counter/events", "counter");
        app.MapEventStreams();
        app.MapGet("/counter", (EventStreams streams) => streams["counter"].SnapshotAsync(() => counter.Value));
    }

    [Fact]
    public async Task A_stream_without_events_has_a_position_and_a_client_from_there_gets_the_first_event()
    {
        var counter = new Counter();
        await using var host = await StreamHost.StartAsync(app => MapCounter(app, counter));
        var stream = host.Streams["counter"];

        var snapshot = await host.Client.GetFromJsonAsync<EventSnapshot<int>>("/counter", JsonSerializerOptions.Web);
        Assert.Equal(0, snapshot!.State);
        Assert.Equal(await stream.ReadPositionAsync(), snapshot.LastEventId);

        // Published before the client connects: a client without the position would start after it.
        long first = await stream.PublishAsync("added", 1);
        await using var client = await host.ConnectAsync("/counter/events", snapshot.LastEventId);
        await client.ReadHelloAsync();
        var item = await client.NextAsync();
        Assert.Equal(("added", first.ToString()), (item.EventType, item.EventId));
    }

    [Fact]
    public async Task The_snapshot_answers_its_position_and_state_as_json()
    {
        var counter = new Counter();
        await using var host = await StreamHost.StartAsync(app => MapCounter(app, counter));
        long last = 0;
        for (int i = 0; i < 3; i++)
        {
            counter.Add();
            last = await host.Streams["counter"].PublishAsync("added", counter.Value);
        }

        var json = await host.Client.GetStringAsync("/counter");
        Assert.Equal($$"""{"lastEventId":"{{last}}","state":3}""", json);
    }

    [Fact]
    public async Task Taken_during_a_steady_publish_the_state_and_the_events_after_its_position_add_up_on_either_endpoint()
    {
        var counter = new Counter();
        await using var host = await StreamHost.StartAsync(app => MapCounter(app, counter), o =>
        {
            o.HistorySize = 10_000;
            o.MaxQueuedEventsPerConnection = 10_000;
        });
        var stream = host.Streams["counter"];
        using var stop = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                counter.Add(); // the state changes first, then the event says so: as an app's handler does
                await stream.PublishAsync("added", counter.Value);
                if (counter.Value % 5 == 0)
                {
                    await Task.Delay(1); // steady, not a flood that outruns the history
                }
            }
        });
        try
        {
            for (int round = 0; round < 20; round++)
            {
                var snapshot = (await host.Client.GetFromJsonAsync<EventSnapshot<int>>("/counter", JsonSerializerOptions.Web))!;
                bool multiplexed = round % 2 == 1;
                await using var client = multiplexed
                    ? await host.ConnectAsync(Multiplexed.Path("/counter/events"), snapshot.LastEventId)
                    : await host.ConnectAsync("/counter/events", snapshot.LastEventId);
                await client.ReadHelloAsync();
                var next = await client.NextAsync();
                int value = int.Parse(next.Data);
                // Nothing between the state and the stream is missing: the first event is at most one past the state
                // (the state can already hold events published while it was read, which the app applies by key).
                Assert.True(value <= snapshot.State + 1, $"round {round}: the state was {snapshot.State}, the first event after it {value}");
                string id = multiplexed ? Multiplexed.Cursor(next.EventId)[0]!.Value.ToString() : next.EventId!;
                Assert.Equal(long.Parse(snapshot.LastEventId) + 1, long.Parse(id));
            }
        }
        finally
        {
            stop.Cancel();
            await publisher;
        }
    }
}
