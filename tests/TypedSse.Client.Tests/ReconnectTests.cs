using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedSse.Client.Tests.Infrastructure;

namespace TypedSse.Client.Tests;

/// <summary>Reconnection with Last-Event-ID and retry:, backoff, the watchdog, and the statuses that stop or delay it.</summary>
public sealed class ReconnectTests
{
    [Fact]
    public async Task Forced_disconnects_lose_and_repeat_nothing()
    {
        await using var host = await ClientHost.StartAsync(configure: o => o.HistorySize = 10_000);
        var cutter = new CuttingHandler(() => Random.Shared.Next(2, 12));
        var receiver = new RoomRecorder();
        await using var connection = host.Client(cutter).ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver);
        await ClientHost.OpenAsync(connection);

        const int Count = 500;
        var publisher = Task.Run(async () =>
        {
            var room = host.Rooms.Route("lobby");
            for (var i = 0; i < Count; i++)
            {
                await room.Counted(i);
            }
        });

        var seen = new List<int>();
        var reading = Task.Run(async () =>
        {
            while (seen.Count < Count)
            {
                seen.Add(Assert.IsType<RoomEvents.Counted>(await receiver.NextAsync()).N);
            }
        });
        await host.PumpReconnectsAsync(connection, () => reading.IsCompleted);
        await reading;
        await publisher;

        Assert.Equal(Enumerable.Range(0, Count), seen);
        Assert.True(cutter.Cuts >= 3, $"only {cutter.Cuts} cuts");
        Assert.All(host.Errors, static e => Assert.IsType<IOException>(e));
    }

    [Fact]
    public async Task Resuming_from_an_id_the_history_no_longer_has_delivers_a_reset_then_the_new_events()
    {
        await using var host = await ClientHost.StartAsync();
        var receiver = new RoomRecorder();
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver, lastEventId: "987654");
        await ClientHost.OpenAsync(connection);

        var reset = Assert.IsType<RoomEvents.Reset>(await receiver.NextAsync());
        Assert.Equal("unknown-id", reset.Info.Reason);
        Assert.Equal("987654", reset.Info.LastEventId);

        await host.Rooms.Route("lobby").Counted(5);
        Assert.Equal(new RoomEvents.Counted(5), await receiver.NextAsync());
        Assert.NotEqual("987654", connection.LastEventId);
    }

    [Fact]
    public async Task After_a_server_restart_on_the_same_port_the_client_reconnects_and_is_told_to_resync()
    {
        await using var host = await ClientHost.StartAsync();
        var receiver = new RoomRecorder();
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver);
        await ClientHost.OpenAsync(connection);
        await host.Rooms.Route("lobby").Counted(1);
        Assert.Equal(new RoomEvents.Counted(1), await receiver.NextAsync());
        var before = connection.LastEventId;

        await host.RestartAsync();
        await host.PumpReconnectsAsync(connection, () => connection.State == EventStreamConnectionState.Open && host.Server.Streams["Room"].ConnectionCount == 1);

        // The new process's history never held the client's id: it says so, and the app resyncs.
        var reset = Assert.IsType<RoomEvents.Reset>(await receiver.NextAsync());
        Assert.Equal(before, reset.Info.LastEventId);
        await host.Rooms.Route("lobby").Counted(2);
        Assert.Equal(new RoomEvents.Counted(2), await receiver.NextAsync());
    }

    [Fact]
    public async Task Starting_from_a_given_id_replays_what_followed_it()
    {
        await using var host = await ClientHost.StartAsync();
        await using var first = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"));
        await ClientHost.OpenAsync(first);
        var room = host.Rooms.Route("lobby");
        await room.Counted(1);
        await Wait.UntilAsync(() => first.LastEventId is not null, "the first event arrived");
        var snapshotId = first.LastEventId!;
        await room.Counted(2);
        await room.Counted(3);

        var receiver = new RoomRecorder();
        await using var resumed = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), receiver, snapshotId);

        Assert.Equal(new RoomEvents.Counted(2), await receiver.NextAsync());
        Assert.Equal(new RoomEvents.Counted(3), await receiver.NextAsync());
    }

    [Fact]
    public async Task A_204_stops_for_good()
    {
        var requests = 0;
        await using var host = await ClientHost.StartAsync(before: app => app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            await Task.CompletedTask;
        }));
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), new RoomRecorder());

        await connection.Completion.WaitAsync(Wait.Long);
        Assert.Equal(EventStreamConnectionState.Closed, connection.State);
        Assert.Equal(1, requests);
    }

    [Theory]
    [InlineData(StatusCodes.Status401Unauthorized)]
    [InlineData(StatusCodes.Status404NotFound)]
    public async Task A_4xx_stops_with_the_status(int status)
    {
        await using var host = await ClientHost.StartAsync(before: app => app.Use((HttpContext context, RequestDelegate _) =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }));
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"));

        var error = await Assert.ThrowsAsync<EventStreamHttpException>(() => connection.Completion.WaitAsync(Wait.Long));
        Assert.Equal(status, (int)error.StatusCode);
        // A 404 says what it most often means: the app maps the contract at a pattern of its own.
        Assert.Equal(status == StatusCodes.Status404NotFound, error.Message.Contains("maps the contract at a pattern of its own", StringComparison.Ordinal));
        await Assert.ThrowsAsync<EventStreamHttpException>(async () =>
        {
            await foreach (var _ in connection.ReadAllAsync())
            {
            }
        });
    }

    [Fact]
    public async Task A_503_with_Retry_After_waits_that_long_then_connects()
    {
        var requests = 0;
        await using var host = await ClientHost.StartAsync(before: app => app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "7";
                return;
            }
            await next(context);
        }));
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), new RoomRecorder());

        await Wait.UntilAsync(() => connection.State == EventStreamConnectionState.WaitingToReconnect, "the 503 was answered");
        host.Time.Advance(TimeSpan.FromSeconds(6.9));
        await Task.Yield();
        Assert.Equal(1, Volatile.Read(ref requests));
        Assert.Equal(EventStreamConnectionState.WaitingToReconnect, connection.State);

        host.Time.Advance(TimeSpan.FromSeconds(0.1));
        await ClientHost.OpenAsync(connection);
        Assert.Equal(2, Volatile.Read(ref requests));
        Assert.Equal(503, (int)Assert.IsType<EventStreamHttpException>(Assert.Single(host.Errors)).StatusCode);
    }

    [Fact]
    public async Task Consecutive_failures_back_off_and_the_server_retry_is_the_first_delay()
    {
        var requests = 0;
        await using var host = await ClientHost.StartAsync(before: app => app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await Task.CompletedTask;
        }));
        // Jitter 0.5 (ClientHost): delays are 3 s (the base), then 0.75 × 6 s, 0.75 × 12 s.
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"));

        foreach (var (delay, count) in new[] { (3.0, 2), (4.5, 3), (9.0, 4) })
        {
            await Wait.UntilAsync(() => Volatile.Read(ref requests) == count - 1 && connection.State == EventStreamConnectionState.WaitingToReconnect, $"attempt {count - 1} failed");
            host.Time.Advance(TimeSpan.FromSeconds(delay - 0.01));
            await Task.Yield();
            Assert.Equal(count - 1, Volatile.Read(ref requests));
            host.Time.Advance(TimeSpan.FromSeconds(0.01));
            await Wait.UntilAsync(() => Volatile.Read(ref requests) == count, $"attempt {count} was made after {delay} s");
        }
    }

    [Fact]
    public async Task The_watchdog_drops_a_silent_connection_after_three_keep_alives_and_reconnects()
    {
        var connections = 0;
        await using var host = await ClientHost.StartAsync(before: app => app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            Interlocked.Increment(ref connections);
            await next(context);
        }));
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), new RoomRecorder());
        await ClientHost.OpenAsync(connection);

        // The server's keep-alive is 10 minutes (StreamHost): silent for 30 minutes is too long.
        host.Time.Advance(TimeSpan.FromMinutes(29));
        await Task.Yield();
        Assert.Equal(EventStreamConnectionState.Open, connection.State);
        Assert.Empty(host.Errors);

        host.Time.Advance(TimeSpan.FromMinutes(1));
        await Wait.UntilAsync(() => host.Errors.Count > 0, "the watchdog fired");
        Assert.Equal(TimeSpan.FromMinutes(30), Assert.IsType<EventStreamTimeoutException>(host.Errors.First()).Timeout);
        await host.PumpReconnectsAsync(connection, () => Volatile.Read(ref connections) == 2 && connection.State == EventStreamConnectionState.Open);
    }

    [Fact]
    public async Task A_response_that_stays_silent_before_its_hello_is_dropped_after_the_hello_timeout_and_reconnected()
    {
        var requests = 0;
        await using var host = await ClientHost.StartAsync(before: app => app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                // Headers, then nothing: a stalled server or a proxy that holds the stream back.
                context.Response.ContentType = "text/event-stream";
                await context.Response.StartAsync(context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(static _ => { });
                return;
            }
            await next(context);
        }));
        await using var connection = host.Client().ConnectRoomEvents(new RoomEventsRoute("lobby"), new RoomRecorder());
        await Wait.UntilAsync(() => connection.State == EventStreamConnectionState.Open, "the silent response started");

        host.Time.Advance(TimeSpan.FromSeconds(29));
        await Task.Yield();
        Assert.Empty(host.Errors);
        Assert.Null(connection.ConnectionId);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => !host.Errors.IsEmpty, "the hello timeout fired");
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.IsType<EventStreamTimeoutException>(Assert.Single(host.Errors)).Timeout);
        await host.PumpReconnectsAsync(connection, () => connection.ConnectionId is not null);
        Assert.Equal(2, Volatile.Read(ref requests));
    }

    [Fact]
    public async Task Headers_are_asked_for_on_every_attempt()
    {
        var seen = new ConcurrentQueue<string>();
        await using var host = await ClientHost.StartAsync(before: app => app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            seen.Enqueue(context.Request.Headers.Authorization.ToString());
            await next(context);
        }));
        var token = 0;
        var cutter = new CuttingHandler(() => 1);
        await using var connection = host.Client(cutter, o => o.ConfigureRequest = (request, _) =>
        {
            request.Headers.Authorization = new("Bearer", $"token-{Interlocked.Increment(ref token)}");
            return ValueTask.CompletedTask;
        }).ConnectRoomEvents(new RoomEventsRoute("lobby"), new RoomRecorder());

        await host.PumpReconnectsAsync(connection, () => seen.Count >= 3);

        Assert.Equal(["Bearer token-1", "Bearer token-2", "Bearer token-3"], seen.Take(3));
    }
}
