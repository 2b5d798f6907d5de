using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Client.Tests.Infrastructure;

/// <summary>A Kestrel server with the test contracts mapped, and .NET clients of it on a fake clock.</summary>
public sealed class ClientHost : IAsyncDisposable
{
    private readonly List<HttpClient> _clients = [];

    private readonly Action<WebApplication> _map;
    private readonly Action<TypedSseOptions>? _configure;

    private ClientHost(StreamHost server, Action<WebApplication> map, Action<TypedSseOptions>? configure)
    {
        Server = server;
        _map = map;
        _configure = configure;
    }

    public StreamHost Server { get; private set; }

    public FakeTimeProvider Time { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<Exception> Errors { get; } = new();

    public IEventStream<IRoomEvents> Rooms => Server.Services.GetRequiredService<IEventStream<IRoomEvents>>();

    /// <param name="before">Maps what goes before the test contracts' own endpoints.</param>
    /// <param name="configure">Sets the server's options.</param>
    /// <param name="multiplexed">Maps the multiplexed endpoint (<c>MapEventStreams</c>) at <c>/events</c>.</param>
    public static async Task<ClientHost> StartAsync(Action<WebApplication>? before = null, Action<TypedSseOptions>? configure = null, bool multiplexed = true)
    {
        void Map(WebApplication app)
        {
            before?.Invoke(app);
            // Room "closed" is refused, as an app's OnConnecting refuses a room the user may not enter.
            app.MapRoomEvents(configure: room => room.OnConnecting = context =>
            {
                if ((string?)context.RouteValues["room"] == "closed")
                {
                    context.Reject(404);
                }
                return ValueTask.CompletedTask;
            });
            app.MapFeedEvents();
            if (multiplexed)
            {
                app.MapEventStreams();
            }
        }

        return new(await StreamHost.StartAsync(Map, configure), Map, configure);
    }

    /// <summary>Stops the server (its in-memory history goes with it) and starts a new one on the same port.</summary>
    public async Task RestartAsync()
    {
        var port = Server.BaseAddress.Port;
        await Server.DisposeAsync();
        Server = await StreamHost.StartAsync(_map, _configure, port: port);
    }

    /// <summary>The options of every client of the host: its fake clock, its error list, a fixed jitter.</summary>
    public void Configure(EventStreamClientOptions options)
    {
        options.TimeProvider = Time;
        options.OnError = Errors.Enqueue;
        options.Random = static () => 0.5;
    }

    public EventStreamClient Client(HttpMessageHandler? handler = null, Action<EventStreamClientOptions>? configure = null)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = Server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _clients.Add(http);
        var options = new EventStreamClientOptions();
        Configure(options);
        configure?.Invoke(options);
        return new EventStreamClient(http, options);
    }

    /// <summary>Waits until the connection has said hello, so that what is published next reaches it.</summary>
    public static Task OpenAsync<TEvent>(EventStreamConnection<TEvent> connection) where TEvent : class =>
        Wait.UntilAsync(() => connection.State == EventStreamConnectionState.Open && connection.ConnectionId is not null, "the connection is open");

    /// <summary>Moves the fake clock on whenever the connection waits to reconnect, until <paramref name="done"/>.</summary>
    public async Task PumpReconnectsAsync<TEvent>(EventStreamConnection<TEvent> connection, Func<bool> done) where TEvent : class
    {
        var deadline = DateTime.UtcNow + Wait.Long;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out pumping reconnects.");
            if (connection.State == EventStreamConnectionState.WaitingToReconnect)
            {
                Time.Advance(TimeSpan.FromMinutes(1));
            }
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        await Server.DisposeAsync();
    }
}
