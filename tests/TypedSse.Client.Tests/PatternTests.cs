using Microsoft.Extensions.DependencyInjection;
using TypedSse.Client.Tests.Infrastructure;

namespace TypedSse.Client.Tests;

/// <summary>A contract the app maps at a pattern of its own (<c>app.MapRoomEvents("/r/{room}/feed")</c>), reached with typed route values.</summary>
public sealed class PatternTests
{
    [Fact]
    public void The_pattern_is_filled_with_the_typed_route_values_as_the_contract_route_is()
    {
        Assert.Equal("r/caf%C3%A9%3F/feed", RoomEventsClient.Path(new RoomEventsRoute("caf\u00e9?"), "/r/{room:minlength(1)}/feed"));
        Assert.Equal("f/7/items", FeedEventsClient.Path(new FeedEventsRoute(7, null), "/f/{id:int}/items/{kind?}"));
        Assert.Equal("f/7/items/a%20b%2Fc", FeedEventsClient.Path(new FeedEventsRoute(7, "a b/c"), "/f/{ID}/items/{kind=all}"));
        Assert.Equal("f/7/items", FeedEventsClient.Path(new FeedEventsRoute(7, null), "f/{id}/items.{kind?}"));
        Assert.Equal("f/7/items.json", FeedEventsClient.Path(new FeedEventsRoute(7, "json"), "~/f/{id}/items.{kind?}"));
        Assert.Equal("{literal}/7", FeedEventsClient.Path(new FeedEventsRoute(7, null), "/{{literal}}/{id}/{kind?}"));
        Assert.Equal("rooms/lobby/events", RoomEventsClient.Path(new RoomEventsRoute("lobby"), pattern: null));
    }

    [Theory]
    [InlineData("/r/feed", "does not declare the route parameter {room}")]
    [InlineData("/t/{tenant}/{room}", "has the parameter {tenant}")]
    [InlineData("/r/{room", "is not a route template")]
    [InlineData("/r/room}", "is not a route template")]
    public void A_pattern_that_does_not_fit_the_route_values_is_refused_with_the_fix(string pattern, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => RoomEventsClient.Path(new RoomEventsRoute("lobby"), pattern));
        Assert.Contains(pattern, error.Message);
        Assert.Contains(message, error.Message);
        Assert.Equal("pattern", error.ParamName);
    }

    [Fact]
    public void An_optional_value_the_pattern_requires_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => FeedEventsClient.Path(new FeedEventsRoute(7, null), "/f/{id}/{kind}"));
        Assert.Contains("requires {kind}", error.Message);
    }

    [Fact]
    public async Task Connect_reaches_the_app_s_own_pattern_on_a_connection_of_its_own_and_through_a_hub()
    {
        await using var host = await ClientHost.StartAsync(before: app =>
        {
            app.MapRoomEvents("/r/{room}/feed");
            app.MapFeedEvents("/f/{id:int}/items/{kind?}");
        });
        var feeds = host.Server.Services.GetRequiredService<IEventStream<IFeedEvents>>();
        var receiver = new RoomRecorder();
        await using var dedicated = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver, pattern: "/r/{room}/feed");
        await using var hub = host.Client().Share();
        await using var shared = hub.ConnectFeedEvents(new FeedEventsRoute(7, "news"), pattern: "/f/{id:int}/items/{kind?}");
        await ClientHost.OpenAsync(dedicated);
        await ClientHost.OpenAsync(shared);

        Assert.Equal("r/lobby/feed", dedicated.Path);
        Assert.Equal("f/7/items/news", shared.Path);
        await host.Rooms.Route("lobby").Counted(3);
        await feeds.Route(7, "news").Item(4);

        Assert.Equal(new RoomEvents.Counted(3), await receiver.NextAsync());
        await foreach (var @event in shared.ReadAllAsync(new CancellationTokenSource(Wait.Long).Token))
        {
            Assert.Equal(new FeedEvents.Item(4), @event);
            break;
        }

        Assert.Empty(host.Errors);
    }
}
