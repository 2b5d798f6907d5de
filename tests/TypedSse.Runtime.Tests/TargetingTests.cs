using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class TargetingTests
{
    [Fact]
    public async Task Route_values_scope_a_connection_to_its_topic()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/rooms/{room}/events", "chat"));
        await using var lobby = await host.ConnectAsync("/rooms/lobby/events");
        await using var kitchen = await host.ConnectAsync("/rooms/kitchen/events");
        await lobby.ReadHelloAsync();
        await kitchen.ReadHelloAsync();
        var chat = host.Streams["chat"];

        await chat.PublishAsync("said", "to lobby", EventAudience.ForTopic(RouteTopic.Format("room", "lobby")));
        await chat.PublishAsync("said", "to kitchen", EventAudience.ForTopic(RouteTopic.Format("room", "kitchen")));
        await chat.PublishAsync("said", "to all");

        Assert.Equal(["\"to lobby\"", "\"to all\""], (await lobby.TakeAsync(2)).Select(e => e.Data));
        Assert.Equal(["\"to kitchen\"", "\"to all\""], (await kitchen.TakeAsync(2)).Select(e => e.Data));
    }

    [Fact]
    public void Route_topics_escape_their_parts_and_keep_template_order()
    {
        Assert.Equal("room=lobby", RouteTopic.Format("room", "lobby"));
        Assert.Equal("org=a%26b&room=x%3Dy", RouteTopic.Format(new KeyValuePair<string, string?>("org", "a&b"), new KeyValuePair<string, string?>("room", "x=y")));
        Assert.Equal("room=", RouteTopic.Format("room", null));
    }

    [Fact]
    public async Task User_targeted_events_never_reach_another_user_live_or_on_replay()
    {
        await using var host = await StreamHost.StartAsync(app =>
        {
            HeaderUser.Use(app);
            app.MapEventStream("/events", "inbox");
        }, build: HeaderUser.Add);
        var inbox = host.Streams["inbox"];
        await using var ada = await host.ConnectAsync("/events", configure: HeaderUser.As("ada"));
        await using var bob = await host.ConnectAsync("/events", configure: HeaderUser.As("bob"));
        await using var anonymous = await host.ConnectAsync("/events");
        await ada.ReadHelloAsync();
        await bob.ReadHelloAsync();
        await anonymous.ReadHelloAsync();

        long start = await inbox.PublishAsync("note", "for everyone");
        await inbox.PublishAsync("note", "secret for ada", EventAudience.ForUser("ada"));
        await inbox.PublishAsync("note", "secret for bob", EventAudience.ForUser("bob"));
        await inbox.PublishAsync("note", "end");

        Assert.Equal(["\"for everyone\"", "\"secret for ada\"", "\"end\""], (await ada.TakeAsync(3)).Select(e => e.Data));
        Assert.Equal(["\"for everyone\"", "\"secret for bob\"", "\"end\""], (await bob.TakeAsync(3)).Select(e => e.Data));
        Assert.Equal(["\"for everyone\"", "\"end\""], (await anonymous.TakeAsync(2)).Select(e => e.Data));

        // Replay applies the same audience: bob reconnecting from the start gets only his own secret.
        await using var bobAgain = await host.ConnectAsync("/events", (start - 1).ToString(), HeaderUser.As("bob"));
        await bobAgain.ReadHelloAsync();
        Assert.Equal(["\"for everyone\"", "\"secret for bob\"", "\"end\""], (await bobAgain.TakeAsync(3)).Select(e => e.Data));
        await using var anonymousAgain = await host.ConnectAsync("/events", (start - 1).ToString());
        await anonymousAgain.ReadHelloAsync();
        await inbox.PublishAsync("note", "live");
        Assert.Equal(["\"for everyone\"", "\"end\"", "\"live\""], (await anonymousAgain.TakeAsync(3)).Select(e => e.Data));
    }

    [Fact]
    public async Task Replaying_from_another_users_event_ids_never_yields_that_users_events()
    {
        // As an outside review did: 270 replays, from each of ada's event ids and the one before it, by bob and by an
        // anonymous client, on the stream's endpoint and through the multiplexed one. Not one of ada's events leaks.
        await using var host = await StreamHost.StartAsync(app =>
        {
            HeaderUser.Use(app);
            app.MapEventStream("/inbox/events", "inbox");
            app.MapEventStreams();
        }, build: HeaderUser.Add);
        var inbox = host.Streams["inbox"];
        var adasIds = new List<long>();
        for (int i = 0; i < 45; i++)
        {
            await inbox.PublishAsync("note", $"for everyone {i}");
            adasIds.Add(await inbox.PublishAsync("note", $"ada's secret {i}", EventAudience.ForUser("ada")));
        }
        await inbox.PublishAsync("note", "end");

        int replays = 0;
        foreach (long id in adasIds)
        {
            foreach (long from in new[] { id - 1, id })
            {
                foreach (var (path, who) in new[] { ("/inbox/events", "bob"), (Multiplexed.Path("/inbox/events"), "bob"), ("/inbox/events", (string?)null) })
                {
                    await using var client = await host.ConnectAsync(path, from.ToString(), who is null ? null : HeaderUser.As(who));
                    await client.ReadHelloAsync();
                    await client.WaitForAsync(events => events.Any(e => e.Data == "\"end\""), "the end of the replay");
                    Assert.DoesNotContain(client.AppEvents, e => e.Data.Contains("ada"));
                    replays++;
                }
            }
        }
        Assert.Equal(270, replays);
    }

    [Fact]
    public async Task A_connection_and_a_predicate_can_be_targeted()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s", o => o.OnConnecting = context =>
        {
            if (context.HttpContext.Request.Query["tier"] == "gold")
            {
                context.Topics.Add("gold");
            }
            return ValueTask.CompletedTask;
        }));
        await using var gold = await host.ConnectAsync("/events?tier=gold");
        await using var plain = await host.ConnectAsync("/events");
        await gold.ReadHelloAsync();
        await plain.ReadHelloAsync();
        var stream = host.Streams["s"];

        await stream.PublishAsync("x", "only plain", EventAudience.ForConnection(plain.ConnectionId!));
        await stream.PublishAsync("x", "only gold", EventAudience.Where(c => c.Topics.Contains("gold")));
        await stream.PublishAsync("x", "gold topic", EventAudience.ForTopic("gold"));
        await stream.PublishAsync("x", "end");

        Assert.Equal(["\"only plain\"", "\"end\""], (await plain.TakeAsync(2)).Select(e => e.Data));
        Assert.Equal(["\"only gold\"", "\"gold topic\"", "\"end\""], (await gold.TakeAsync(3)).Select(e => e.Data));
    }

    [Fact]
    public async Task Audience_conditions_combine_with_and()
    {
        await using var host = await StreamHost.StartAsync(app =>
        {
            HeaderUser.Use(app);
            app.MapEventStream("/rooms/{room}/events", "chat");
        }, build: HeaderUser.Add);
        await using var adaInLobby = await host.ConnectAsync("/rooms/lobby/events", configure: HeaderUser.As("ada"));
        await using var adaInKitchen = await host.ConnectAsync("/rooms/kitchen/events", configure: HeaderUser.As("ada"));
        await adaInLobby.ReadHelloAsync();
        await adaInKitchen.ReadHelloAsync();
        var chat = host.Streams["chat"];

        await chat.PublishAsync("x", "ada in lobby", new EventAudience { UserId = "ada", Topic = RouteTopic.Format("room", "lobby") });
        await chat.PublishAsync("x", "end");

        Assert.Equal(["\"ada in lobby\"", "\"end\""], (await adaInLobby.TakeAsync(2)).Select(e => e.Data));
        Assert.Equal(["\"end\""], (await adaInKitchen.TakeAsync(1)).Select(e => e.Data));
    }

    [Fact]
    public async Task Require_authorization_applies_to_the_stream_endpoint()
    {
        await using var host = await StreamHost.StartAsync(
            app =>
            {
                HeaderUser.Use(app);
                app.MapEventStream("/events", "s").RequireAuthorization();
            },
            build: HeaderUser.Add);
        using var anonymous = await host.Client.GetAsync("/events");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        await using var ada = await host.ConnectAsync("/events", configure: HeaderUser.As("ada"));
        Assert.Equal(HttpStatusCode.OK, ada.Response.StatusCode);
    }

    [Fact]
    public async Task An_initial_snapshot_reaches_only_the_new_connection_and_is_not_replayed()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s", o => o.OnConnected = (connection, _) =>
        {
            connection.Send("snapshot", new { connections = 1 });
            return ValueTask.CompletedTask;
        }));
        await using var client = await host.ConnectAsync("/events");
        await client.ReadHelloAsync();
        var snapshot = await client.NextAsync();
        Assert.Equal("snapshot", snapshot.EventType);
        Assert.Equal("", snapshot.EventId ?? "");

        long id = await host.Streams["s"].PublishAsync("live", 1);
        var read = await host.Streams["s"].ReadHistoryAsync(id - 1);
        Assert.Equal(["live"], read.Events.Select(e => e.EventName));
    }
}
