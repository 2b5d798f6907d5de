using Chat;
using Chat.Contracts;
using Chat.Rooms;
using Microsoft.AspNetCore.Authentication.Cookies;
using TypedSse;

var builder = WebApplication.CreateBuilder(args);

// Sign in "as a name": a cookie that holds the name, no password. Clearly a demo.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = "chat.user";
        options.Events.OnRedirectToLogin = context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorization();

var typedSse = builder.Services.AddTypedSse();
// With ConnectionStrings:Events set, the events live in PostgreSQL: replay survives a restart, and several
// instances share the streams. Without it, the history is in memory.
if (builder.Configuration.GetConnectionString("Events") is { Length: > 0 } events)
{
    typedSse.AddPostgreSqlBackplane(events);
}
builder.Services.AddSingleton<ChatRooms>();
// The API's OpenAPI document at /openapi/v1.json, with each event stream's route and the events it sends.
builder.Services.AddOpenApi(options => options.AddEventStreams());
builder.Services.AddSingleton<Presence>();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

// The three streams, each generated from its contract in Contracts/.
app.MapLobbyEvents();
app.MapRoomEvents(configure: room =>
{
    room.OnConnecting = context =>
    {
        if (!ChatRooms.IsRoomName((string)context.RouteValues["room"]!))
        {
            context.Reject(StatusCodes.Status404NotFound);
        }
        return ValueTask.CompletedTask;
    };
    room.OnConnected = (connection, _) => app.Services.GetRequiredService<Presence>().EnterAsync(connection);
});
app.MapInboxEvents().RequireAuthorization();
// One connection for all three: the page's clients share it, and so do its tabs (see the README).
app.MapEventStreams("/api/events");
// What the streams send, for tools and other teams: the AsyncAPI document the build wrote from the contracts.
app.MapAsyncApiDocument("/api/asyncapi.json");

app.MapChatApi();
app.MapOpenApi();

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (string url in app.Urls)
    {
        Console.WriteLine($"Chat is running. Open {url} in two browser tabs; Ctrl+C stops it.");
    }
});

app.Run();
