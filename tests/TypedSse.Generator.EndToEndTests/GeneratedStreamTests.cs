using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSse.Generator.EndToEndTests;

/// <summary>Generated senders and endpoints, served by Kestrel and read as a browser would.</summary>
public sealed class GeneratedStreamTests
{
    [Fact]
    public async Task Each_method_sends_its_event_name_and_payload_with_increasing_ids()
    {
        await using var host = await Host.StartAsync(app => app.MapChatEvents());
        await using var client = await host.ConnectAsync("/rooms/lobby/events");
        var chat = host.Get<IEventStream<IChatEvents>>();

        await chat.All.MessagePosted(new ChatMessage("ada", "hi", new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));
        await chat.All.UserJoined("bob", new DateTimeOffset(2026, 11, 21, 12, 1, 0, TimeSpan.Zero), Mood.Excited);
        await chat.All.Typing("ada");
        await chat.All.Cleared();

        var events = new List<SseItem<string>>();
        for (var i = 0; i < 4; i++)
        {
            events.Add(await client.NextAsync());
        }

        Assert.Equal(["messagePosted", "userJoined", "typing", "cleared"], events.Select(static e => e.EventType));
        Assert.Equal(
            [
                """{"user":"ada","text":"hi","sent":"2026-11-21T12:00:00+00:00"}""",
                """{"user":"bob","at":"2026-11-21T12:01:00+00:00","mood":1}""",
                "\"ada\"",
                "",
            ],
            events.Select(static e => e.Data));
        var ids = events.Select(static e => long.Parse(e.EventId!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(4, ids.Distinct().Count());
    }

    [Fact]
    public async Task Values_of_a_several_parameter_payload_use_the_apps_serializer_options()
    {
        await using var host = await Host.StartAsync(
            app => app.MapChatEvents(),
            builder => builder.Services.Configure<JsonOptions>(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter())));
        await using var client = await host.ConnectAsync("/rooms/lobby/events");

        await host.Get<IEventStream<IChatEvents>>().All.UserJoined("bob", DateTimeOffset.UnixEpoch, Mood.Calm);

        Assert.Equal("""{"user":"bob","at":"1970-01-01T00:00:00+00:00","mood":"Calm"}""", (await client.NextAsync()).Data);
    }

    [Fact]
    public async Task Route_scope_user_connection_and_predicate_reach_only_their_audience()
    {
        await using var host = await Host.StartAsync(app => app.MapChatEvents(configure: options =>
            options.OnConnecting = context =>
            {
                context.UserId = context.HttpContext.Request.Query["user"];
                return default;
            }));
        await using var lobbyAda = await host.ConnectAsync("/rooms/lobby/events?user=ada");
        await using var lobbyBob = await host.ConnectAsync("/rooms/lobby/events?user=bob&vip=1");
        await using var attic = await host.ConnectAsync("/rooms/attic/events?user=ada");
        var chat = host.Get<IEventStream<IChatEvents>>();

        await chat.Route(room: "attic").Typing("to the attic");
        await chat.User("bob").Typing("to bob");
        await chat.Connection(attic.ConnectionId).Typing("to one connection");
        await chat.Where(connection => connection.HttpContext.Request.Query["vip"] == "1").Typing("to vips");
        await chat.Route(room: "lobby").Typing("to the lobby");

        Assert.Equal("\"to the lobby\"", (await lobbyAda.NextAsync()).Data);
        Assert.Equal(["\"to bob\"", "\"to vips\"", "\"to the lobby\""], [(await lobbyBob.NextAsync()).Data, (await lobbyBob.NextAsync()).Data, (await lobbyBob.NextAsync()).Data]);
        Assert.Equal(["\"to the attic\"", "\"to one connection\""], [(await attic.NextAsync()).Data, (await attic.NextAsync()).Data]);
    }

    [Fact]
    public async Task A_typed_route_parameter_matches_whatever_the_url_spells()
    {
        await using var host = await Host.StartAsync(app => app.MapBoardEvents());
        await using var padded = await host.ConnectAsync("/boards/007/events");
        await using var other = await host.ConnectAsync("/boards/8/events");
        var boards = host.Get<IEventStream<Boards.IBoardEvents>>();

        await boards.Route(board: 8).CardMoved(1, "elsewhere", CancellationToken.None);
        await boards.Route(board: 7).CardMoved(42, "done", CancellationToken.None);

        var moved = await padded.NextAsync();
        Assert.Equal("cardMoved", moved.EventType);
        Assert.Equal("""{"card":42,"column":"done"}""", moved.Data);
        Assert.Equal("""{"card":1,"column":"elsewhere"}""", (await other.NextAsync()).Data);
        Assert.Equal("boards", boards.Stream.Name);
    }

    [Fact]
    public async Task A_route_value_left_to_its_default_meets_a_null_in_the_route_scope()
    {
        await using var host = await Host.StartAsync(app => app.MapPageEvents());
        await using var defaults = await host.ConnectAsync("/pages");
        await using var second = await host.ConnectAsync("/pages/2/old");
        var pages = host.Get<IEventStream<IPageEvents>>();

        await pages.Route(page: null, sort: null).Shown(1);
        await pages.Route(page: 1, sort: "new").Shown(2);
        await pages.Route(page: 2, sort: "old").Shown(3);

        Assert.Equal(["1", "2"], [(await defaults.NextAsync()).Data, (await defaults.NextAsync()).Data]);
        Assert.Equal("3", (await second.NextAsync()).Data);
        Assert.Equal(PageEventsExtensions.RouteTopic(page: null, sort: null), PageEventsExtensions.RouteTopic(page: 1, sort: "new"));
    }

    [Fact]
    public async Task The_route_can_be_overridden_and_the_hook_sends_a_snapshot()
    {
        await using var host = await Host.StartAsync(app => app.MapChatEvents("/v2/{room}/stream", options =>
            options.OnConnected = (connection, _) =>
            {
                connection.Send("snapshot", new[] { "ada", "bob" });
                return default;
            }));
        await using var client = await host.ConnectAsync("/v2/lobby/stream");

        var snapshot = await client.NextAsync();
        await host.Get<IEventStream<IChatEvents>>().Route("lobby").Typing("ada");

        Assert.Equal(("snapshot", """["ada","bob"]"""), (snapshot.EventType, snapshot.Data));
        Assert.Equal("\"ada\"", (await client.NextAsync()).Data);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/rooms/lobby/events")).StatusCode);
    }

    [Fact]
    public async Task A_hook_can_reject_a_connection()
    {
        await using var host = await Host.StartAsync(app => app.MapChatEvents(configure: options =>
            options.OnConnecting = context =>
            {
                context.Reject(StatusCodesForbidden);
                return default;
            }));

        await using var client = await host.ConnectAsync("/rooms/lobby/events");

        Assert.Equal(HttpStatusCode.Forbidden, client.Response.StatusCode);
    }

    [Fact]
    public void An_overriding_pattern_must_declare_the_contracts_route_parameters()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<ArgumentException>(() => app.MapChatEvents("/chat/{channel}"));

        Assert.Contains("{room}", error.Message);
    }

    [Fact]
    public void The_route_scope_formats_the_same_topic_as_the_runtime()
    {
        Assert.Equal(RouteTopic.Format("room", "lobby"), ChatEventsExtensions.RouteTopic("lobby"));
        Assert.Equal("/rooms/{room}/events", ChatEventsExtensions.Pattern);
        Assert.Equal("Chat", ChatEventsExtensions.StreamName);
    }

    [Fact]
    public async Task An_untyped_payload_is_serialized_as_its_runtime_type()
    {
        await using var host = await Host.StartAsync(app => app.MapAuditEvents());
        await using var client = await host.ConnectAsync("/audit");

        await host.Get<IEventStream<IAuditEvents>>().All.Logged(new { action = "login", count = 2 });

        Assert.Equal("""{"action":"login","count":2}""", (await client.NextAsync()).Data);
    }

    private const int StatusCodesForbidden = 403;
}
