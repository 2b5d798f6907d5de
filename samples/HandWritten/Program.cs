using TypedSse;

// A stream used by hand, without the source generator: a clock that ticks for everyone, and a per-room chat.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTypedSse(options => options.KeepAliveInterval = TimeSpan.FromSeconds(10));
var app = builder.Build();

app.MapEventStream("/clock", "clock");
app.MapEventStream("/rooms/{room}/events", "chat");
app.MapPost("/rooms/{room}/messages", async (string room, ChatMessage message, EventStreams streams) =>
{
    long id = await streams["chat"].PublishAsync("messagePosted", message, EventAudience.ForTopic(RouteTopic.Format("room", room)));
    return Results.Accepted(value: new { id });
});

// A per-connection stream: the handler writes to one client with ids of its own.
app.MapEventStream("/countdown", async (response, cancellationToken) =>
{
    int start = int.TryParse(response.LastEventId, out int last) ? last - 1 : 10;
    for (int i = start; i >= 0; i--)
    {
        await response.SendAsync("tick", new { remaining = i }, id: i.ToString(), cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
    }
});

var clock = app.Services.GetRequiredService<EventStreams>()["clock"];
_ = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
    while (await timer.WaitForNextTickAsync(app.Lifetime.ApplicationStopping))
    {
        await clock.PublishAsync("tick", new { now = DateTimeOffset.UtcNow, connections = clock.ConnectionCount });
    }
});

app.Run();

record ChatMessage(string User, string Text);
