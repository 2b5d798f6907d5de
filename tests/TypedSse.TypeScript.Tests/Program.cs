using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using TypedSse;
using TypedSse.TypeScript.TestServer;

// The server of the TypeScript client tests. It prints "TYPEDSSE_TEST_SERVER <url>" once it listens; the tests then
// drive it through the /control/... endpoints. Start it with --urls http://127.0.0.1:0.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddTypedSse(options =>
{
    options.KeepAliveInterval = TimeSpan.FromSeconds(1); // the watchdog test advances its clock past 3 of them
    options.RetryInterval = TimeSpan.FromMilliseconds(200);
});
var app = builder.Build();

var attempts = new ConcurrentQueue<(string Room, string? Authorization, string? LastEventId)>();
var bodies = new ConcurrentDictionary<HttpContext, (string Room, MutableResponseBody Body)>();
var openStreams = new ConcurrentDictionary<HttpContext, string>();

// Counts the event-stream responses in flight, single or multiplexed: what the browser holds connections for.
app.Use(async (context, next) =>
{
    if (!context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
    {
        await next(context);
        return;
    }

    openStreams[context] = context.Request.Path + context.Request.QueryString;
    try
    {
        await next(context);
    }
    finally
    {
        openStreams.TryRemove(context, out _);
    }
});

// Lets a test silence one connection: after a mute, nothing reaches the client, not even pings.
app.Use(async (context, next) =>
{
    if (context.GetRouteValue("room") is not string room || context.GetEndpoint()?.DisplayName?.Contains("broad", StringComparison.OrdinalIgnoreCase) != true)
    {
        await next(context);
        return;
    }

    var body = new MutableResponseBody(context.Features.Get<IHttpResponseBodyFeature>()!);
    context.Features.Set<IHttpResponseBodyFeature>(body);
    bodies[context] = (room, body);
    try
    {
        await next(context);
    }
    finally
    {
        bodies.TryRemove(context, out _);
    }
});

app.MapBroadEvents(configure: options => options.OnConnecting = context =>
{
    var request = context.HttpContext.Request;
    var room = (string)context.RouteValues["room"]!;
    attempts.Enqueue((room, request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : null, request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } id ? id : null));
    if (room == "stop")
    {
        context.Reject(StatusCodes.Status204NoContent);
    }
    else if (room == "forbidden")
    {
        context.Reject(StatusCodes.Status403Forbidden);
    }

    return ValueTask.CompletedTask;
});
app.MapClockEvents();
app.MapEventStreams("/events");

// The room comes in the query, so that a test can name any room the client can encode into the stream's route.
var control = app.MapGroup("/control");
control.MapPost("/samples", async (string room, IEventStream<IBroadEvents> broad) =>
{
    await Samples.PublishAsync(broad.Where(c => RoomOf(c) == room));
    return Results.Ok();
});
control.MapPost("/count", async (string room, int from, int to, IEventStream<IBroadEvents> broad) =>
{
    var events = broad.Where(c => RoomOf(c) == room);
    for (var value = from; value <= to; value++)
    {
        await events.Counted(value);
    }

    return Results.Ok();
});
control.MapPost("/drop", (string room, EventStreams streams) =>
{
    var connections = streams["broad"].Connections.Where(c => RoomOf(c) == room).ToList();
    connections.ForEach(static c => c.Close());
    return Results.Ok(connections.Count);
});
control.MapPost("/mute", (string room) =>
{
    var muted = bodies.Values.Where(b => b.Room == room).ToList();
    muted.ForEach(static b => b.Body.Mute());
    return Results.Ok(muted.Count);
});
control.MapGet("/json-shapes", () => JsonShapeSamples.All().ToList());
control.MapGet("/streams", () => openStreams.Values.Order(StringComparer.Ordinal).ToList());
control.MapGet("/connections", (string room, EventStreams streams) => streams["broad"].Connections.Count(c => RoomOf(c) == room));
control.MapGet("/attempts", (string room) =>
    attempts.Where(a => a.Room == room).Select(static a => new { a.Authorization, a.LastEventId }).ToList());

app.MapPost("/control/clock/tick", (long now, IEventStream<IClockEvents> clock) => clock.All.Ticked(now));
app.MapPost("/control/clock/proto", (string note, int count, IEventStream<IClockEvents> clock) => clock.All.Prototype(note, count));

// The browser test's page and bundle, from the folder the test names.
app.MapGet("/browser/{file}", (string file) =>
{
    var root = Environment.GetEnvironmentVariable("TYPEDSSE_BROWSER_ROOT");
    if (root is null || file.Contains("..", StringComparison.Ordinal) || !File.Exists(Path.Combine(root, file)))
    {
        return Results.NotFound();
    }

    return Results.File(Path.Combine(root, file), file.EndsWith(".html", StringComparison.Ordinal) ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8");
});

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"TYPEDSSE_TEST_SERVER {address}");
await app.WaitForShutdownAsync();

static string? RoomOf(EventStreamConnection connection) => connection.RouteValues["room"] as string;
