using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class LogFloodingTests
{
    private const int MalformedLastEventIdEvent = 3;
    private const int MalformedCursorEntryEvent = 13;

    [Fact]
    public async Task A_malformed_last_event_id_is_logged_once_per_minute_and_every_one_is_counted()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var logs = new LogCapture();
        await using var host = await StreamHost.StartAsync(
            app =>
            {
                app.MapEventStream("/events", "s");
                app.MapEventStream("/handler", (response, ct) => response.SendTextAsync("x", "y", cancellationToken: ct).AsTask());
            },
            build: builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Debug);
            });
        using var metrics = new MetricsRecorder(host.Services);
        string[] Warnings() => logs.Entries.Where(e => e.EventId.Id == MalformedLastEventIdEvent).Select(e => e.Message).ToArray();

        async Task ConnectWithAsync(string path, string lastEventId)
        {
            await using var client = await host.ConnectAsync(path, lastEventId);
            await client.ReadHelloAsync();
        }

        // A client that sends garbage on every request: the first is logged, the rest of the minute only counted,
        // whichever stream or kind of endpoint they go to.
        for (int i = 0; i < 50; i++)
        {
            await ConnectWithAsync("/events", $"garbage-{i}");
        }
        await ConnectWithAsync("/handler", "bad\u0001id");
        var first = Assert.Single(Warnings());
        Assert.Contains("\"garbage-0\"", first);
        Assert.Contains("0 more", first);
        Assert.Equal(51, metrics["typedsse.last_event_id.malformed"]);

        time.Advance(TimeSpan.FromSeconds(59));
        await ConnectWithAsync("/events", "still-garbage");
        Assert.Single(Warnings());

        // Once the minute is over, the next one is logged with the number held back since the last.
        time.Advance(TimeSpan.FromSeconds(1));
        await ConnectWithAsync("/events", "later-garbage");
        var warnings = Warnings();
        Assert.Equal(2, warnings.Length);
        Assert.Contains("\"later-garbage\"", warnings[1]);
        Assert.Contains("51 more", warnings[1]);
        Assert.Equal(53, metrics["typedsse.last_event_id.malformed"]);

        // A well-formed id is neither logged nor counted.
        await ConnectWithAsync("/events", "12");
        Assert.Equal(2, Warnings().Length);
        Assert.Equal(53, metrics["typedsse.last_event_id.malformed"]);
    }

    [Fact]
    public async Task Malformed_cursor_entries_of_multiplexed_requests_share_the_once_a_minute_warning()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var logs = new LogCapture();
        await using var host = await StreamHost.StartAsync(
            app =>
            {
                app.MapEventStream("/a/events", "a");
                app.MapEventStream("/b/events", "b");
                app.MapEventStreams();
            },
            build: builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Logging.AddProvider(logs);
            });
        using var metrics = new MetricsRecorder(host.Services);
        int Warnings() => logs.Entries.Count(e => e.EventId.Id is MalformedLastEventIdEvent or MalformedCursorEntryEvent);

        // Every entry of every request is bad: 20 requests, 40 entries, one warning.
        for (int i = 0; i < 20; i++)
        {
            await using var client = await host.ConnectAsync(Multiplexed.Path("/a/events", "/b/events"), $"bad-{i},worse-{i}");
            await client.ReadHelloAsync();
        }
        Assert.Equal(1, Warnings());
        Assert.Equal(40, metrics["typedsse.last_event_id.malformed"]);

        // A single stream's malformed id waits for the same minute.
        await using (var single = await host.ConnectAsync("/a/events", "bad"))
        {
            await single.ReadHelloAsync();
        }
        Assert.Equal(1, Warnings());

        time.Advance(LastEventIdWarningInterval);
        await using (var later = await host.ConnectAsync(Multiplexed.Path("/a/events", "/b/events"), "1,later"))
        {
            await later.ReadHelloAsync();
        }
        var last = logs.Entries.Last(e => e.EventId.Id == MalformedCursorEntryEvent);
        Assert.Equal(2, Warnings());
        Assert.Contains("entry 1 \"later\"", last.Message);
        Assert.Contains("40 more", last.Message);
        Assert.Equal(42, metrics["typedsse.last_event_id.malformed"]);
    }

    private static readonly TimeSpan LastEventIdWarningInterval = TypedSse.Hosting.LastEventIdReader.WarningInterval;
}
