using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class MultiplexingTests
{
    private static void MapChat(WebApplication app)
    {
        app.MapEventStream("/rooms/{room}/events", "rooms", room => room.OnConnecting = context =>
        {
            if ((string)context.RouteValues["room"]! == "closed")
            {
                context.Reject(StatusCodes.Status404NotFound);
            }
            return ValueTask.CompletedTask;
        });
        app.MapEventStream("/lobby/events", "lobby");
        app.MapEventStream("/boards/{board:int}/events", "boards");
        app.MapEventStreams();
    }

    [Fact]
    public async Task One_response_carries_each_subscription_labelled_with_its_index_and_the_cursor_as_id()
    {
        await using var host = await StreamHost.StartAsync(MapChat);
        await using var client = await host.ConnectAsync(Multiplexed.Path("/rooms/a/events", "/lobby/events", "/rooms/b/events"));
        Assert.Equal("text/event-stream", client.Response.Content.Headers.ContentType!.MediaType);

        var hello = await client.ReadHelloAsync();
        var subscriptions = Multiplexed.Subscriptions(hello);
        Assert.Equal(["rooms", "lobby", "rooms"], subscriptions.EnumerateArray().Select(s => s.GetProperty("stream").GetString()));
        Assert.Equal("/lobby/events", subscriptions[1].GetProperty("path").GetString());
        var start = Multiplexed.Cursor(hello.EventId);
        Assert.Equal(3, start.Length);
        Assert.All(start, entry => Assert.NotNull(entry));
        Assert.Equal(1, host.Streams.ConnectionCount);
        Assert.Equal(2, host.Streams["rooms"].ConnectionCount);

        var rooms = host.Streams["rooms"];
        long b = await rooms.PublishAsync("posted", "to b", EventAudience.ForTopic(RouteTopic.Format("room", "b")));
        long lobby = await host.Streams["lobby"].PublishAsync(null, new { name = "x" });
        long a = await rooms.PublishAsync("posted", "to a", EventAudience.ForTopic(RouteTopic.Format("room", "a")));

        var first = await client.NextAsync();
        Assert.Equal((2, "posted"), Multiplexed.Label(first));
        Assert.Equal("\"to b\"", first.Data);
        Assert.Equal([start[0], start[1], b], Multiplexed.Cursor(first.EventId));

        var second = await client.NextAsync();
        Assert.Equal((1, "message"), Multiplexed.Label(second));
        Assert.Equal("{\"name\":\"x\"}", second.Data);
        Assert.Equal([start[0], lobby, b], Multiplexed.Cursor(second.EventId));

        var third = await client.NextAsync();
        Assert.Equal((0, "posted"), Multiplexed.Label(third));
        Assert.Equal([a, lobby, b], Multiplexed.Cursor(third.EventId));
    }

    [Fact]
    public async Task A_reconnect_with_the_last_cursor_resumes_every_subscription_exactly()
    {
        await using var host = await StreamHost.StartAsync(MapChat, o => o.MaxQueuedEventsPerConnection = 10_000);
        var rooms = host.Streams["rooms"];
        var lobby = host.Streams["lobby"];
        var path = Multiplexed.Path("/rooms/a/events", "/lobby/events");
        var seen = new[] { new List<int>(), new List<int>() };

        string cursor;
        await using (var client = await host.ConnectAsync(path))
        {
            await client.ReadHelloAsync();
            for (int i = 0; i < 10; i++)
            {
                await rooms.PublishAsync("n", i, EventAudience.ForTopic("room=a"));
                await lobby.PublishAsync("n", i);
            }
            foreach (var item in await client.TakeAsync(20))
            {
                seen[Multiplexed.Label(item).Subscription].Add(int.Parse(item.Data));
            }
            cursor = client.LastEventId!;
        }

        // Published while the client is away, to the room it left and to another one.
        for (int i = 10; i < 25; i++)
        {
            await rooms.PublishAsync("n", i, EventAudience.ForTopic("room=a"));
            await rooms.PublishAsync("n", -i, EventAudience.ForTopic("room=b"));
            await lobby.PublishAsync("n", i);
        }

        await using (var again = await host.ConnectAsync(path, cursor))
        {
            var hello = await again.ReadHelloAsync();
            Assert.Equal(cursor, hello.EventId);
            for (int i = 25; i < 30; i++)
            {
                await rooms.PublishAsync("n", i, EventAudience.ForTopic("room=a"));
                await lobby.PublishAsync("n", i);
            }
            foreach (var item in await again.TakeAsync(40))
            {
                seen[Multiplexed.Label(item).Subscription].Add(int.Parse(item.Data));
            }
        }

        Assert.Equal(Enumerable.Range(0, 30), seen[0]);
        Assert.Equal(Enumerable.Range(0, 30), seen[1]);
    }

    [Fact]
    public async Task A_client_cut_right_after_the_hello_resumes_from_it_and_misses_nothing()
    {
        await using var host = await StreamHost.StartAsync(MapChat);
        await host.Streams["lobby"].PublishAsync("n", -1); // the stream has a history before the client comes
        string start;
        await using (var client = await host.ConnectAsync(Multiplexed.Path("/lobby/events", "/rooms/a/events")))
        {
            start = (await client.ReadHelloAsync()).EventId!;
        }
        for (int i = 0; i < 5; i++)
        {
            await host.Streams["lobby"].PublishAsync("n", i);
            await host.Streams["rooms"].PublishAsync("n", i, EventAudience.ForTopic("room=a"));
        }

        await using var again = await host.ConnectAsync(Multiplexed.Path("/lobby/events", "/rooms/a/events"), start);
        await again.ReadHelloAsync();
        var items = await again.TakeAsync(10);
        Assert.Equal(Enumerable.Range(0, 5), items.Where(i => Multiplexed.Label(i).Subscription == 0).Select(i => int.Parse(i.Data)));
        Assert.Equal(Enumerable.Range(0, 5), items.Where(i => Multiplexed.Label(i).Subscription == 1).Select(i => int.Parse(i.Data)));
    }

    [Fact]
    public async Task A_single_stream_client_cut_right_after_the_hello_resumes_from_it_and_misses_nothing()
    {
        await using var host = await StreamHost.StartAsync(MapChat);
        string start;
        await using (var client = await host.ConnectAsync("/lobby/events"))
        {
            start = (await client.ReadHelloAsync()).EventId!;
            Assert.False(string.IsNullOrEmpty(start));
        }
        for (int i = 0; i < 5; i++)
        {
            await host.Streams["lobby"].PublishAsync("n", i);
        }

        await using var again = await host.ConnectAsync("/lobby/events", start);
        await again.ReadHelloAsync();
        Assert.Equal(Enumerable.Range(0, 5), (await again.TakeAsync(5)).Select(i => int.Parse(i.Data)));
    }

    [Fact]
    public async Task Only_the_subscription_whose_history_no_longer_covers_its_cursor_is_reset()
    {
        await using var host = await StreamHost.StartAsync(MapChat, o => o.HistorySize = 3);
        var path = Multiplexed.Path("/lobby/events", "/rooms/a/events");
        string cursor;
        await using (var client = await host.ConnectAsync(path))
        {
            cursor = (await client.ReadHelloAsync()).EventId!;
        }
        for (int i = 0; i < 10; i++)
        {
            await host.Streams["lobby"].PublishAsync("n", i); // far more than the history keeps
        }
        await host.Streams["rooms"].PublishAsync("n", 0, EventAudience.ForTopic("room=a"));

        await using var again = await host.ConnectAsync(path, cursor);
        await again.ReadHelloAsync();
        var reset = await again.NextAsync();
        Assert.Equal((0, "typedsse:reset"), Multiplexed.Label(reset));
        var data = JsonDocument.Parse(reset.Data).RootElement;
        Assert.Equal("history-gap", data.GetProperty("reason").GetString());
        long latest = long.Parse(data.GetProperty("latestEventId").GetString()!);
        Assert.Equal(latest, Multiplexed.Cursor(reset.EventId)[0]);

        var replayed = await again.NextAsync();
        Assert.Equal((1, "n"), Multiplexed.Label(replayed));
        Assert.Equal("0", replayed.Data);
    }

    [Fact]
    public async Task A_refused_subscription_is_reported_alone_and_nothing_of_it_is_ever_sent()
    {
        await using var host = await StreamHost.StartAsync(app =>
        {
            HeaderUser.Use(app);
            app.MapEventStream("/me/events", "inbox").RequireAuthorization();
            app.MapEventStream("/admin/events", "admin").RequireAuthorization(policy => policy.RequireClaim("role", "admin"));
            MapChat(app);
        }, build: HeaderUser.Add);
        var path = Multiplexed.Path("/lobby/events", "/me/events", "/rooms/closed/events", "/boards/abc/events", "/nowhere/events", "/admin/events");

        // Before: events that would be replayed to the refused subscriptions if anything of them leaked.
        await host.Streams["inbox"].PublishAsync("secret", "for anyone");
        await host.Streams["admin"].PublishAsync("secret", "for admins");

        await using var anonymous = await host.ConnectAsync(path, lastEventId: ",0,0,0,0,0");
        var hello = await anonymous.ReadHelloAsync();
        var subscriptions = Multiplexed.Subscriptions(hello);
        Assert.False(subscriptions[0].TryGetProperty("refused", out _));
        Assert.Equal([401, 404, 404, 404, 401], Enumerable.Range(1, 5).Select(i => subscriptions[i].GetProperty("refused").GetInt32()));
        Assert.Equal([null, null, null, null, null], Multiplexed.Cursor(hello.EventId)[1..]);

        var refusals = await anonymous.TakeAsync(5);
        Assert.Equal(
            [(1, "typedsse:refused"), (2, "typedsse:refused"), (3, "typedsse:refused"), (4, "typedsse:refused"), (5, "typedsse:refused")],
            refusals.Select(Multiplexed.Label));
        Assert.Equal(401, JsonDocument.Parse(refusals[0].Data).RootElement.GetProperty("status").GetInt32());
        Assert.Equal("/me/events", JsonDocument.Parse(refusals[0].Data).RootElement.GetProperty("path").GetString());

        // Signed in but without the role: the inbox is admitted, the admin stream forbidden.
        await using var ada = await host.ConnectAsync(Multiplexed.Path("/me/events", "/admin/events"), configure: HeaderUser.As("ada"));
        var adaHello = await ada.ReadHelloAsync();
        Assert.Equal(403, Multiplexed.Subscriptions(adaHello)[1].GetProperty("refused").GetInt32());
        await ada.NextAsync(); // its refusal

        await host.Streams["admin"].PublishAsync("secret", "live, for admins");
        await host.Streams["inbox"].PublishAsync("secret", "live, for anyone signed in");
        await host.Streams["lobby"].PublishAsync("open", "for everyone");
        var live = await anonymous.NextAsync();
        Assert.Equal((0, "open"), Multiplexed.Label(live));
        var adaLive = await ada.NextAsync();
        Assert.Equal((0, "secret"), Multiplexed.Label(adaLive));
        Assert.Equal("\"live, for anyone signed in\"", adaLive.Data);
        Assert.Equal(0, host.Streams["admin"].ConnectionCount);
    }

    [Fact]
    public async Task A_subscription_authenticated_by_another_scheme_does_not_change_the_user_of_the_others()
    {
        await using var host = await StreamHost.StartAsync(app =>
        {
            HeaderUser.Use(app);
            app.MapEventStream("/service/events", "service").RequireAuthorization(policy => policy.AddAuthenticationSchemes("service").RequireAuthenticatedUser());
            app.MapEventStream("/me/events", "inbox").RequireAuthorization();
            app.MapEventStreams();
        }, build: builder =>
        {
            HeaderUser.Add(builder);
            builder.Services.AddAuthentication().AddScheme<HeaderUserOptions, HeaderUser>("service", o => o.Header = "X-Service");
        });

        await using var client = await host.ConnectAsync(Multiplexed.Path("/service/events", "/me/events"), configure: request =>
        {
            request.Headers.Add(HeaderUser.HeaderName, "ada");
            request.Headers.Add("X-Service", "billing");
        });
        var hello = await client.ReadHelloAsync();
        Assert.All(Multiplexed.Subscriptions(hello).EnumerateArray(), subscription => Assert.False(subscription.TryGetProperty("refused", out _)));

        Assert.Equal("billing", Assert.Single(host.Streams["service"].Connections).UserId);
        Assert.Equal("ada", Assert.Single(host.Streams["inbox"].Connections).UserId);
        await host.Streams["inbox"].PublishAsync("note", "for ada", EventAudience.ForUser("ada"));
        Assert.Equal((1, "note"), Multiplexed.Label(await client.NextAsync()));
    }

    [Fact]
    public async Task When_every_subscription_is_refused_the_response_is_the_status_the_single_endpoint_gives()
    {
        await using var host = await StreamHost.StartAsync(app =>
        {
            HeaderUser.Use(app);
            app.MapEventStream("/me/events", "inbox").RequireAuthorization();
            MapChat(app);
        }, build: HeaderUser.Add);

        using var unauthorized = await host.Client.GetAsync(Multiplexed.Path("/rooms/closed/events", "/me/events"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        var refused = JsonDocument.Parse(await unauthorized.Content.ReadAsStringAsync()).RootElement.GetProperty("refused");
        Assert.Equal([404, 401], refused.EnumerateArray().Select(r => r.GetProperty("status").GetInt32()));

        using var missing = await host.Client.GetAsync(Multiplexed.Path("/rooms/closed/events"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("/events", "Name the streams")]
    [InlineData("/events?s=/lobby/events&s=/lobby/events", "listed twice")]
    [InlineData("/events?s=lobby", "is not a path")]
    public async Task A_malformed_request_is_answered_400_with_what_to_fix(string path, string message)
    {
        await using var host = await StreamHost.StartAsync(MapChat);
        using var response = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task More_subscriptions_than_allowed_are_answered_400()
    {
        await using var host = await StreamHost.StartAsync(MapChat, o => o.MaxSubscriptionsPerConnection = 2);
        using var response = await host.Client.GetAsync(Multiplexed.Path("/rooms/a/events", "/rooms/b/events", "/rooms/c/events"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MaxSubscriptionsPerConnection", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_malformed_cursor_entry_starts_that_subscription_without_replay_and_keeps_the_others()
    {
        await using var host = await StreamHost.StartAsync(MapChat);
        string cursor;
        await using (var client = await host.ConnectAsync(Multiplexed.Path("/lobby/events", "/rooms/a/events")))
        {
            cursor = (await client.ReadHelloAsync()).EventId!;
        }
        await host.Streams["lobby"].PublishAsync("n", 1);
        await host.Streams["rooms"].PublishAsync("n", 2, EventAudience.ForTopic("room=a"));

        string broken = "x\u00e9;" + cursor[cursor.IndexOf(',')..];
        await using var again = await host.ConnectAsync(Multiplexed.Path("/lobby/events", "/rooms/a/events"), configure: request =>
            request.RequestUri = new Uri(request.RequestUri!.OriginalString + "&lastEventId=" + Uri.EscapeDataString(broken), UriKind.Relative));
        var hello = await again.ReadHelloAsync();
        Assert.NotNull(Multiplexed.Cursor(hello.EventId)[0]);
        var replayed = await again.NextAsync();
        Assert.Equal((1, "n"), Multiplexed.Label(replayed));
        Assert.Equal("2", replayed.Data);
    }

    [Fact]
    public async Task Switching_a_subscription_a_hundred_times_during_a_steady_publish_loses_and_duplicates_nothing_on_the_one_that_stays()
    {
        await using var host = await StreamHost.StartAsync(MapChat, o =>
        {
            o.MaxQueuedEventsPerConnection = 100_000;
            o.HistorySize = 1_000_000; // this test is about switching, not about a history that runs out
        });
        var lobby = host.Streams["lobby"];
        using var stop = new CancellationTokenSource();
        int published = 0;
        var publisher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await lobby.PublishAsync("n", published);
                Interlocked.Increment(ref published);
                await host.Streams["rooms"].PublishAsync("n", published, EventAudience.ForTopic("room=r" + (published % 7)));
                if (published % 20 == 0)
                {
                    await Task.Delay(1);
                }
            }
        });

        var seen = new List<int>();
        string? lobbyPosition = null;
        for (int round = 0; round < 100; round++)
        {
            string room = "/rooms/r" + (round % 7) + "/events";
            await using var client = await host.ConnectAsync(Multiplexed.Path("/lobby/events", room), lobbyPosition is null ? null : lobbyPosition + ",");
            var hello = await client.ReadHelloAsync();
            lobbyPosition = Multiplexed.Cursor(hello.EventId)[0]!.Value.ToString();
            int target = Volatile.Read(ref published) + 5;
            while (seen.Count == 0 || seen[^1] < target)
            {
                var item = await client.NextAsync();
                var (subscription, type) = Multiplexed.Label(item);
                Assert.NotEqual("typedsse:reset", type);
                if (subscription == 0)
                {
                    seen.Add(int.Parse(item.Data));
                    lobbyPosition = Multiplexed.Cursor(item.EventId)[0]!.Value.ToString();
                }
            }
        }
        stop.Cancel();
        await publisher;

        Assert.Equal(Enumerable.Range(seen[0], seen.Count), seen);
    }
}
