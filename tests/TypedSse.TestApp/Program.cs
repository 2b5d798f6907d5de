using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TypedSse;
using TypedSse.TestApp;

// Listens where --urls says (port 0 is fine: the address is printed), and prints how long the host took to stop.
// POST /rooms/{room}/ticks/{count} publishes one tick; POST /publishing/{perSecond} starts a steady publisher;
// GET /connections counts the open streams.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, TestAppJson.Default));
var typedSse = builder.Services.AddTypedSse();
if (builder.Configuration.GetConnectionString("Events") is { Length: > 0 } events)
{
    typedSse.AddPostgreSqlBackplane(events);
}
builder.Services.AddSingleton<Publisher>();
builder.Services.AddHostedService(static services => services.GetRequiredService<Publisher>());

var app = builder.Build();
app.MapRoomEvents();
// Explicit return types: the request delegate generator (on under PublishAot) cannot see the senders TypedSse generates.
app.MapPost("/rooms/{room}/ticks/{count:int}", Task (string room, int count, [FromServices] IEventStream<IRoomEvents> rooms) =>
    rooms.Route(room).Ticked(new Tick(count, ["native", room]), "post"));
app.MapPost("/publishing/{perSecond:int}", void (int perSecond, [FromServices] Publisher publisher) => publisher.Start(perSecond));
app.MapGet("/connections", string ([FromServices] EventStreams streams) =>
    streams[RoomEventsExtensions.StreamName].ConnectionCount.ToString(CultureInfo.InvariantCulture));

var stopping = new Stopwatch();
app.Lifetime.ApplicationStopping.Register(stopping.Start);
await app.StartAsync();
foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
{
    Console.WriteLine($"Listening on {address}");
}

await app.WaitForShutdownAsync();
var timeout = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
Console.WriteLine($"Stopped in {stopping.ElapsedMilliseconds} ms; shutdown timeout {(long)timeout.TotalMilliseconds} ms");
