using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedSse.Client.Tests.Infrastructure;

namespace TypedSse.Client.Tests;

/// <summary>Typed events from a real server reach a .NET receiver, and the record stream, with equal values.</summary>
public sealed class RoundTripTests
{
    [Fact]
    public async Task Every_event_type_reaches_the_receiver_with_equal_values()
    {
        await using var host = await ClientHost.StartAsync();
        var receiver = new RoomRecorder();
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver);
        await ClientHost.OpenAsync(connection);

        var room = host.Rooms.Route("lobby");
        var message = new RoomMessage("ada", "hi \u00e9\n\"quoted\"", Guid.NewGuid());
        var at = new DateTimeOffset(2026, 12, 2, 13, 0, 0, TimeSpan.FromHours(1));
        await room.MessagePosted(message);
        await room.UserJoined("bob", at);
        await room.Cleared();
        await room.Counted(-7);
        await room.Tagged(Priority.High, ["a", "b"], CancellationToken.None);
        await room.Tagged(Priority.Low, null, CancellationToken.None);

        var first = await receiver.NextAsync();
        Assert.True(new RoomEvents.MessagePosted(message) == first, string.Join("\n", host.Errors.ToArray().Select(e => e.ToString())));
        Assert.Equal(new RoomEvents.UserJoined("bob", at), await receiver.NextAsync());
        Assert.Equal(new RoomEvents.Cleared(), await receiver.NextAsync());
        Assert.Equal(new RoomEvents.Counted(-7), await receiver.NextAsync());
        var tagged = Assert.IsType<RoomEvents.Tagged>(await receiver.NextAsync());
        Assert.Equal(Priority.High, tagged.Priority);
        Assert.Equal(["a", "b"], tagged.Tags!);
        Assert.Equal(new RoomEvents.Tagged(Priority.Low, null), await receiver.NextAsync());
        Assert.Empty(host.Errors);
    }

    [Fact]
    public async Task Without_a_receiver_the_events_are_records_to_pattern_match()
    {
        await using var host = await ClientHost.StartAsync();
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"));
        await ClientHost.OpenAsync(connection);

        var room = host.Rooms.Route("lobby");
        await host.Rooms.Route("other").Counted(99); // another topic: not received
        for (var i = 0; i < 3; i++)
        {
            await room.Counted(i);
        }

        var seen = new List<int>();
        using var timeout = new CancellationTokenSource(Wait.Long);
        await foreach (var @event in connection.ReadAllAsync(timeout.Token))
        {
            switch (@event)
            {
                case RoomEvents.Counted counted:
                    seen.Add(counted.N);
                    break;
                default:
                    Assert.Fail($"unexpected {@event}");
                    break;
            }
            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([0, 1, 2], seen);
    }

    [Fact]
    public async Task Typed_route_values_build_the_path_the_server_routes()
    {
        Assert.Equal("feeds/7", FeedEventsClient.Path(new FeedEventsRoute(7, null)));
        Assert.Equal("feeds/7/a%20b%2Fc", FeedEventsClient.Path(new FeedEventsRoute(7, "a b/c")));
        Assert.Equal("rooms/caf%C3%A9%3F/events", RoomEventsClient.Path(new RoomEventsRoute("caf\u00e9?")));

        await using var host = await ClientHost.StartAsync();
        var feeds = host.Server.Services.GetRequiredService<IEventStream<IFeedEvents>>();
        await using var plain = host.Client().ConnectFeedEvents(new FeedEventsRoute(7, null));
        await using var kind = host.Client().ConnectFeedEvents(new FeedEventsRoute(7, "a b"));
        await ClientHost.OpenAsync(plain);
        await ClientHost.OpenAsync(kind);

        await feeds.Route(7, "a b").Item(2);
        await feeds.Route(7, null).Item(1);

        Assert.Equal(new FeedEvents.Item(1), await First(plain));
        Assert.Equal(new FeedEvents.Item(2), await First(kind));
    }

    [Fact]
    public async Task A_receiver_that_throws_is_reported_and_the_connection_goes_on()
    {
        await using var host = await ClientHost.StartAsync();
        var receiver = new RoomRecorder { ThrowOn = 1 };
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver);
        await ClientHost.OpenAsync(connection);

        var room = host.Rooms.Route("lobby");
        await room.Counted(1);
        await room.Counted(2);

        Assert.Equal(new RoomEvents.Counted(2), await receiver.NextAsync());
        var error = Assert.IsType<EventStreamEventException>(Assert.Single(host.Errors));
        Assert.Equal("counted", error.EventType);
        Assert.Equal("receiver failed on 1", error.InnerException!.Message);
        Assert.Equal(EventStreamConnectionState.Open, connection.State);
    }

    [Fact]
    public async Task Dispose_ends_the_connection_and_the_server_sees_it_go()
    {
        await using var host = await ClientHost.StartAsync();
        var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), new RoomRecorder());
        await ClientHost.OpenAsync(connection);

        await connection.DisposeAsync();

        Assert.Equal(EventStreamConnectionState.Closed, connection.State);
        Assert.True(connection.Completion.IsCompletedSuccessfully);
        await Wait.UntilAsync(() => host.Server.Streams["Room"].ConnectionCount == 0, "the server has no connection left");
    }

    [Fact]
    public async Task AddEventStreamClient_gives_a_typed_client_through_IHttpClientFactory_with_its_handlers()
    {
        await using var host = await ClientHost.StartAsync(before: app => app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (context.Request.Path.StartsWithSegments("/rooms") && context.Request.Headers["X-Handler"] != "yes")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            await next(context);
        }));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(host.Time);
        services.AddTransient<HeaderHandler>();
        services.AddEventStreamClient<IRoomEvents>(http => http.BaseAddress = host.Server.BaseAddress)
            .AddHttpMessageHandler<HeaderHandler>();
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<EventStreamClient<IRoomEvents>>();
        var receiver = new RoomRecorder();
        await using var connection = client.ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver);
        await ClientHost.OpenAsync(connection);
        await host.Rooms.Route("lobby").Cleared();

        Assert.Equal(new RoomEvents.Cleared(), await receiver.NextAsync());
        Assert.Same(host.Time, client.Options.TimeProvider);
        Assert.Equal(Timeout.InfiniteTimeSpan, client.HttpClient.Timeout);
    }

    private static async Task<FeedEvents> First(EventStreamConnection<FeedEvents> connection)
    {
        using var timeout = new CancellationTokenSource(Wait.Long);
        await foreach (var @event in connection.ReadAllAsync(timeout.Token))
        {
            return @event;
        }
        throw new InvalidOperationException("The connection ended without an event.");
    }

    private sealed class HeaderHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-Handler", "yes");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
