using Microsoft.AspNetCore.Builder;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class HandlerModeTests
{
    [Fact]
    public async Task A_handler_writes_events_with_its_own_ids_and_resumes_from_last_event_id()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/countdown", async (response, ct) =>
        {
            int from = response.LastEventId is { } last ? int.Parse(last) - 1 : 5;
            await response.SetRetryAsync(TimeSpan.FromSeconds(1), ct);
            await response.SendCommentAsync("counting down", ct);
            for (int i = from; i >= 0; i--)
            {
                await response.SendAsync("tick", new { remaining = i }, id: i.ToString(), ct);
            }
            await response.SendTextAsync("done", "bye", cancellationToken: ct);
        }));

        await using (var client = await host.ConnectAsync("/countdown"))
        {
            await client.ReadHelloAsync();
            var ticks = await client.TakeAsync(6);
            Assert.Equal(["5", "4", "3", "2", "1", "0"], ticks.Select(t => t.EventId));
            Assert.Equal("""{"remaining":0}""", ticks[^1].Data);
            var done = await client.NextAsync();
            Assert.Equal(("done", "bye"), (done.EventType, done.Data));
            Assert.True(await client.EndsAsync());
        }

        await using var resumed = await host.ConnectAsync("/countdown", "2");
        await resumed.ReadHelloAsync();
        Assert.Equal(["1", "0"], (await resumed.TakeAsync(2)).Select(t => t.EventId));
    }

    [Fact]
    public async Task Retry_and_comments_are_written_as_their_own_lines()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", async (response, ct) =>
        {
            await response.SetRetryAsync(TimeSpan.FromMilliseconds(1500), ct);
            await response.SendCommentAsync("two\nlines", ct);
            await response.SendTextAsync(null, "x", id: "1", ct);
        }));
        using var http = await host.Client.GetAsync("/events");
        string wire = await http.Content.ReadAsStringAsync();
        Assert.EndsWith("\n\nretry: 1500\n\n: two\n: lines\n\nid: 1\ndata: x\n\n", wire);
    }

    [Fact]
    public async Task A_bad_id_from_the_handler_is_an_argument_exception_and_nothing_is_written()
    {
        var failure = new TaskCompletionSource<Exception>();
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", async (response, ct) =>
        {
            try
            {
                await response.SendAsync("x", 1, id: "bad\0id", ct);
            }
            catch (ArgumentException ex)
            {
                failure.SetResult(ex);
            }
            await response.SendAsync("x", 2, id: "good", ct);
        }));
        await using var client = await host.ConnectAsync("/events");
        await client.ReadHelloAsync();
        var next = await client.NextAsync();
        Assert.Equal(("2", "good"), (next.Data, next.EventId));
        Assert.Contains("bad\\u0000id", (await failure.Task.WaitAsync(Wait.Long)).Message);
    }

    [Fact]
    public async Task The_handler_token_is_canceled_when_the_client_goes_away()
    {
        var canceled = new TaskCompletionSource();
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", async (response, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                canceled.SetResult();
            }
        }));
        var client = await host.ConnectAsync("/events");
        await client.ReadHelloAsync();
        await client.DisposeAsync();
        await canceled.Task.WaitAsync(Wait.Long);
    }
}
