using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSse.Client.Tests.Infrastructure;

namespace TypedSse.Client.Tests;

/// <summary>The hub beyond one request: the server's cap, an app without MapEventStreams, DI, and a server restart.</summary>
public sealed class HubTests
{
    [Fact]
    public async Task More_connections_than_the_server_s_cap_are_split_across_requests_and_a_change_remakes_only_its_own()
    {
        await using var host = await ClientHost.StartAsync(configure: o => o.MaxSubscriptionsPerConnection = 2);
        await using var hub = host.Client().Share(maxSubscriptions: 2);
        var receivers = new[] { "a", "b", "c" }.ToDictionary(room => room, _ => new RoomRecorder());
        var connections = receivers.ToDictionary(r => r.Key, r => hub.ConnectRoomEvents(new RoomEventsRoute(r.Key), r.Value));
        foreach (var connection in connections.Values)
        {
            await ClientHost.OpenAsync(connection);
        }

        await Wait.UntilAsync(() => host.Server.Streams["Room"].ConnectionCount == 3, "every subscription is on the server");
        Assert.Equal(2, host.Server.Streams.ConnectionCount);
        Assert.Equal(2, hub.RequestCount);
        foreach (var (room, receiver) in receivers)
        {
            await host.Rooms.Route(room).Counted(room[0]);
            Assert.Equal(new RoomEvents.Counted(room[0]), await receiver.NextAsync());
        }

        // "d" joins "c" on the second request; "a" and "b" stay on the first, whose request goes on.
        var first = (connections["a"].ConnectionId, connections["b"].ConnectionId);
        var second = connections["c"].ConnectionId;
        var d = new RoomRecorder();
        await using (var dConnection = hub.ConnectRoomEvents(new RoomEventsRoute("d"), d))
        {
            await ClientHost.OpenAsync(dConnection);
            await Wait.UntilAsync(() => host.Server.Streams["Room"].ConnectionCount == 4 && connections["c"].ConnectionId != second, "d is on the server with c");
            Assert.Equal(first, (connections["a"].ConnectionId, connections["b"].ConnectionId));
            Assert.Equal(2, hub.RequestCount);
            await host.Rooms.Route("d").Counted(4);
            Assert.Equal(new RoomEvents.Counted(4), await d.NextAsync());
        }

        await Wait.UntilAsync(() => host.Server.Streams["Room"].ConnectionCount == 3, "d has left");
        Assert.Equal(first, (connections["a"].ConnectionId, connections["b"].ConnectionId));

        // A path once per hub, whichever request carries it; the cap is the server's, at least 1.
        Assert.Throws<InvalidOperationException>(() => hub.ConnectRoomEvents(new RoomEventsRoute("a")));
        Assert.Contains("TypedSseOptions.MaxSubscriptionsPerConnection", Assert.Throws<ArgumentOutOfRangeException>(() => host.Client().Share(maxSubscriptions: 0)).Message);

        // Nothing was missed on the request that was made again.
        await host.Rooms.Route("c").Counted(5);
        Assert.Equal(new RoomEvents.Counted(5), await receivers["c"].NextAsync());
        Assert.Empty(host.Errors);
        foreach (var connection in connections.Values)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_the_multiplexed_endpoint_every_connection_falls_back_to_its_own_request_with_one_warning()
    {
        await using var host = await ClientHost.StartAsync(multiplexed: false);
        var logs = new LogCapture();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        await using var hub = host.Client(configure: o => o.LoggerFactory = loggers).Share();
        var lobby = new RoomRecorder();
        var kitchen = new RoomRecorder();
        var lobbyConnection = hub.ConnectRoomEvents(new RoomEventsRoute("lobby"), lobby);
        await using var kitchenConnection = hub.ConnectRoomEvents(new RoomEventsRoute("kitchen"), kitchen);
        await ClientHost.OpenAsync(lobbyConnection);
        await ClientHost.OpenAsync(kitchenConnection);
        await using var feed = hub.ConnectFeedEvents(new FeedEventsRoute(7, null));
        await ClientHost.OpenAsync(feed);

        await Wait.UntilAsync(() => host.Server.Streams.ConnectionCount == 3, "each stream has a request of its own");
        await host.Rooms.Route("lobby").Counted(1);
        await host.Rooms.Route("kitchen").Counted(2);
        Assert.Equal(new RoomEvents.Counted(1), await lobby.NextAsync());
        Assert.Equal(new RoomEvents.Counted(2), await kitchen.NextAsync());

        var warning = Assert.Single(logs.Entries, static e => e.Level >= LogLevel.Warning);
        Assert.Equal(typeof(EventStreamHub).FullName, warning.Category);
        Assert.Contains("/events answered 404", warning.Message);
        Assert.Contains("MapEventStreams", warning.Message);
        Assert.Empty(host.Errors);

        // Disposing one ends it alone; disposing the hub ends the rest.
        await lobbyConnection.DisposeAsync();
        Assert.True(lobbyConnection.Completion.IsCompletedSuccessfully);
        await Wait.UntilAsync(() => host.Server.Streams.ConnectionCount == 2, "the lobby's request has ended");
        await hub.DisposeAsync();
        Assert.Equal(EventStreamConnectionState.Closed, kitchenConnection.State);
        Assert.True(feed.Completion.IsCompletedSuccessfully);
        await Wait.UntilAsync(() => host.Server.Streams.ConnectionCount == 0, "every request has ended");
    }

    [Fact]
    public async Task AddEventStreamHub_gives_one_hub_from_the_container_with_its_clock_handlers_and_loggers()
    {
        await using var host = await ClientHost.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(host.Time);
        services.AddLogging();
        var requested = new System.Collections.Concurrent.ConcurrentQueue<Uri>();
        services.AddEventStreamHub(http => http.BaseAddress = host.Server.BaseAddress, options => options.OnError = host.Errors.Enqueue)
            .AddHttpMessageHandler(() => new RecordingHandler(requested));
        var provider = services.BuildServiceProvider();

        var hub = provider.GetRequiredService<EventStreamHub>();
        Assert.Same(hub, provider.GetRequiredService<EventStreamHub>());
        Assert.Same(host.Time, hub.Options.TimeProvider);
        Assert.NotNull(hub.Options.LoggerFactory);
        Assert.Equal(Timeout.InfiniteTimeSpan, hub.HttpClient.Timeout);
        Assert.Equal(EventStreamHub.DefaultMaxSubscriptions, hub.MaxSubscriptions);

        var receiver = new RoomRecorder();
        var room = hub.ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver);
        var feed = hub.ConnectFeedEvents(new FeedEventsRoute(7, null));
        await ClientHost.OpenAsync(room);
        await ClientHost.OpenAsync(feed);
        await Wait.UntilAsync(() => host.Server.Streams["Room"].ConnectionCount == 1 && host.Server.Streams["Feed"].ConnectionCount == 1, "both are on the server");
        Assert.Equal(1, host.Server.Streams.ConnectionCount);
        Assert.All(requested, static uri => Assert.Equal("/events", uri.AbsolutePath));
        Assert.NotEmpty(requested);
        await host.Rooms.Route("lobby").Counted(3);
        Assert.Equal(new RoomEvents.Counted(3), await receiver.NextAsync());

        await provider.DisposeAsync();
        Assert.Equal(EventStreamConnectionState.Closed, room.State);
        Assert.True(feed.Completion.IsCompletedSuccessfully);
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task After_a_server_restart_each_stream_of_the_hub_is_told_to_resync_from_the_id_it_had_then_streams_on()
    {
        await using var host = await ClientHost.StartAsync();
        await using var hub = host.Client().Share();
        var lobby = new RoomRecorder();
        var kitchen = new RoomRecorder();
        await using var lobbyConnection = hub.ConnectRoomEvents(new RoomEventsRoute("lobby"), lobby);
        await using var kitchenConnection = hub.ConnectRoomEvents(new RoomEventsRoute("kitchen"), kitchen);
        await ClientHost.OpenAsync(lobbyConnection);
        await ClientHost.OpenAsync(kitchenConnection);
        await host.Rooms.Route("lobby").Counted(1);
        await host.Rooms.Route("kitchen").Counted(2);
        Assert.Equal(new RoomEvents.Counted(1), await lobby.NextAsync());
        Assert.Equal(new RoomEvents.Counted(2), await kitchen.NextAsync());
        var (lobbyBefore, kitchenBefore) = (lobbyConnection.LastEventId, kitchenConnection.LastEventId);

        await host.RestartAsync();
        await host.PumpReconnectsAsync(lobbyConnection, () => lobbyConnection.State == EventStreamConnectionState.Open && host.Server.Streams["Room"].ConnectionCount == 2);

        // The new process's history never held either id: each stream says so on its own, and the app resyncs it.
        var lobbyReset = Assert.IsType<RoomEvents.Reset>(await lobby.NextAsync());
        var kitchenReset = Assert.IsType<RoomEvents.Reset>(await kitchen.NextAsync());
        Assert.Equal(lobbyBefore, lobbyReset.Info.LastEventId);
        Assert.Equal(kitchenBefore, kitchenReset.Info.LastEventId);
        Assert.Equal(1, host.Server.Streams.ConnectionCount);

        await host.Rooms.Route("kitchen").Counted(4);
        await host.Rooms.Route("lobby").Counted(3);
        Assert.Equal(new RoomEvents.Counted(3), await lobby.NextAsync());
        Assert.Equal(new RoomEvents.Counted(4), await kitchen.NextAsync());
        Assert.NotEqual(lobbyBefore, lobbyConnection.LastEventId);
    }

    private sealed class RecordingHandler(System.Collections.Concurrent.ConcurrentQueue<Uri> requested) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requested.Enqueue(request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
