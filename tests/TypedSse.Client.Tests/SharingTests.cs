using Microsoft.Extensions.DependencyInjection;
using TypedSse.Client.Tests.Infrastructure;

namespace TypedSse.Client.Tests;

/// <summary>Several contracts' connections over one request to the real multiplexed endpoint (MapEventStreams).</summary>
public sealed class SharingTests
{
    [Fact]
    public async Task One_request_carries_several_contracts_and_each_event_reaches_its_own_receiver()
    {
        await using var host = await ClientHost.StartAsync();
        await using var hub = host.Client().Share();
        var lobby = new RoomRecorder();
        var kitchen = new RoomRecorder();
        await using var lobbyConnection = hub.ConnectRoomEvents(new RoomEventsRoute("lobby"), lobby);
        await using var kitchenConnection = hub.ConnectRoomEvents(new RoomEventsRoute("kitchen"), kitchen);
        await using var feed = hub.ConnectFeedEvents(new FeedEventsRoute(7, null));
        await ClientHost.OpenAsync(lobbyConnection);
        await ClientHost.OpenAsync(kitchenConnection);
        await ClientHost.OpenAsync(feed);
        await Wait.UntilAsync(() => host.Server.Streams["Room"].ConnectionCount == 2 && host.Server.Streams["Feed"].ConnectionCount == 1, "every subscription is on the server");

        Assert.Equal(1, host.Server.Streams.ConnectionCount);
        Assert.NotEqual(lobbyConnection.ConnectionId, kitchenConnection.ConnectionId);
        Assert.Equal("events", hub.Endpoint);

        await host.Rooms.Route("kitchen").Counted(1);
        await host.Server.Services.GetRequiredService<IEventStream<IFeedEvents>>().Route(7, null).Item(3);
        await host.Rooms.Route("lobby").UserJoined("ada", DateTimeOffset.UnixEpoch);

        Assert.Equal(new RoomEvents.UserJoined("ada", DateTimeOffset.UnixEpoch), await lobby.NextAsync());
        Assert.Equal(new RoomEvents.Counted(1), await kitchen.NextAsync());
        Assert.Equal(new FeedEvents.Item(3), await First(feed));
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task Cut_requests_and_changes_of_the_set_lose_and_repeat_nothing_on_any_stream()
    {
        await using var host = await ClientHost.StartAsync(configure: o => o.HistorySize = 10_000);
        var cutter = new CuttingHandler(() => Random.Shared.Next(3, 15));
        await using var hub = host.Client(cutter).Share();
        var lobby = new RoomRecorder();
        var kitchen = new RoomRecorder();
        await using var lobbyConnection = hub.ConnectRoomEvents(new RoomEventsRoute("lobby"), lobby);
        await using var kitchenConnection = hub.ConnectRoomEvents(new RoomEventsRoute("kitchen"), kitchen);
        await ClientHost.OpenAsync(lobbyConnection);
        await ClientHost.OpenAsync(kitchenConnection);

        const int Count = 300;
        var publisher = Task.Run(async () =>
        {
            for (var i = 0; i < Count; i++)
            {
                await host.Rooms.Route("lobby").Counted(i);
                await host.Rooms.Route("kitchen").Counted(i);
            }
        });

        // Streams that come and go on the same hub: each change is a new request whose cursor resumes the two rooms.
        var churn = Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await using var passing = hub.ConnectFeedEvents(new FeedEventsRoute(i, null));
                await Task.Delay(10);
            }
        });

        var lobbySeen = Read(lobby, Count);
        var kitchenSeen = Read(kitchen, Count);
        await host.PumpReconnectsAsync(lobbyConnection, () => lobbySeen.IsCompleted && kitchenSeen.IsCompleted);

        Assert.Equal(Enumerable.Range(0, Count), await lobbySeen);
        Assert.Equal(Enumerable.Range(0, Count), await kitchenSeen);
        await publisher;
        await churn;
        Assert.True(cutter.Cuts >= 3, $"only {cutter.Cuts} cuts");
        Assert.All(host.Errors, static e => Assert.IsType<IOException>(e));
    }

    [Fact]
    public async Task A_refused_stream_ends_alone_with_its_status_and_the_others_stream_on()
    {
        await using var host = await ClientHost.StartAsync();
        await using var hub = host.Client().Share();
        var lobby = new RoomRecorder();
        await using var lobbyConnection = hub.ConnectRoomEvents(new RoomEventsRoute("lobby"), lobby);
        await using var closed = hub.ConnectRoomEvents(new RoomEventsRoute("closed"), new RoomRecorder());

        var refused = await Assert.ThrowsAsync<EventStreamHttpException>(() => closed.Completion.WaitAsync(Wait.Long));
        Assert.Equal(404, (int)refused.StatusCode);
        Assert.Equal(EventStreamConnectionState.Closed, closed.State);

        await ClientHost.OpenAsync(lobbyConnection);
        await host.Rooms.Route("lobby").Counted(4);
        Assert.Equal(new RoomEvents.Counted(4), await lobby.NextAsync());

        // Alone on a hub, it is refused by the endpoint's answer (not a stream) with the same status.
        await using var aloneHub = host.Client().Share();
        await using var alone = aloneHub.ConnectRoomEvents(new RoomEventsRoute("closed"));
        Assert.Equal(404, (int)(await Assert.ThrowsAsync<EventStreamHttpException>(() => alone.Completion.WaitAsync(Wait.Long))).StatusCode);
    }

    [Fact]
    public async Task A_stream_resumes_from_a_given_id_and_disposing_the_hub_closes_its_connections()
    {
        await using var host = await ClientHost.StartAsync();
        var room = host.Rooms.Route("lobby");
        await using var hub = host.Client().Share();
        var firstReceiver = new RoomRecorder();
        await using (var first = hub.ConnectRoomEvents(new RoomEventsRoute("lobby"), firstReceiver))
        {
            await ClientHost.OpenAsync(first);
            await room.Counted(1);
            Assert.Equal(new RoomEvents.Counted(1), await firstReceiver.NextAsync());
            var snapshot = first.LastEventId!;
            await room.Counted(2);

            var receiver = new RoomRecorder();
            await using var other = host.Client().Share();
            var resumed = other.ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver, lastEventId: snapshot);
            Assert.Equal(new RoomEvents.Counted(2), await receiver.NextAsync());

            await other.DisposeAsync();
            Assert.Equal(EventStreamConnectionState.Closed, resumed.State);
            Assert.True(resumed.Completion.IsCompletedSuccessfully);
        }

        Assert.Throws<InvalidOperationException>(() =>
        {
            var one = hub.ConnectRoomEvents(new RoomEventsRoute("twice"));
            hub.ConnectRoomEvents(new RoomEventsRoute("twice"));
        });
    }

    private static Task<List<int>> Read(RoomRecorder receiver, int count) => Task.Run(async () =>
    {
        var seen = new List<int>();
        while (seen.Count < count)
        {
            seen.Add(Assert.IsType<RoomEvents.Counted>(await receiver.NextAsync()).N);
        }

        return seen;
    });

    private static async Task<FeedEvents> First(EventStreamConnection<FeedEvents> connection)
    {
        using var timeout = new CancellationTokenSource(Wait.Long);
        await foreach (var @event in connection.ReadAllAsync(timeout.Token))
        {
            return @event;
        }

        throw new InvalidOperationException("The connection ended without an event.");
    }
}
