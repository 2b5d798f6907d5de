using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

/// <summary>Keep-alive runs on the app's TimeProvider: these tests move a fake clock instead of waiting.</summary>
public class KeepAliveTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private static Task<StreamHost> StartAsync(FakeTimeProvider time) => StreamHost.StartAsync(
        app =>
        {
            app.MapEventStream("/s/events", "s");
            app.MapEventStreams();
        },
        o => o.KeepAliveInterval = Interval,
        builder => builder.Services.AddSingleton<TimeProvider>(time));

    [Fact]
    public async Task An_idle_connection_gets_a_ping_each_time_it_has_been_silent_for_the_interval()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time);
        using var response = await host.Client.GetAsync("/s/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await ReadUntilAsync(reader, "data: {\"connectionId\""); // the hello

        for (int ping = 0; ping < 3; ping++)
        {
            time.Advance(Interval);
            Assert.Equal("", await reader.ReadLineAsync().WaitAsync(Wait.Long)); // the end of the hello, then of each ping
            Assert.Equal(": ping", await reader.ReadLineAsync().WaitAsync(Wait.Long));
        }
    }

    [Fact]
    public async Task A_busy_connection_gets_no_pings()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time);
        using var response = await host.Client.GetAsync("/s/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await ReadUntilAsync(reader, "data: {\"connectionId\"");

        // An event every two thirds of the interval: the connection is never silent for a whole interval.
        for (int i = 0; i < 20; i++)
        {
            time.Advance(Interval * 2 / 3);
            await host.Streams["s"].PublishAsync("tick", i);
            Assert.Equal($"data: {i}", await ReadUntilAsync(reader, "data: ", forbidden: ": ping"));
        }
        // Then silence: the first line to arrive is a ping, and the ticks before it held no ping.
        time.Advance(Interval);
        Assert.Equal(": ping", await ReadUntilAsync(reader, ":"));
    }

    [Fact]
    public async Task A_multiplexed_connection_gets_one_ping_for_all_of_its_subscriptions()
    {
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(time);
        await host.Streams["s"].PublishAsync("before", 0);
        using var response = await host.Client.GetAsync(Multiplexed.Path("/s/events"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await ReadUntilAsync(reader, "data: {\"connectionId\"");
        await host.Streams["s"].PublishAsync("now", 1);
        await ReadUntilAsync(reader, "data: 1");

        time.Advance(Interval);
        Assert.Equal(": ping", await ReadUntilAsync(reader, ":"));
        Assert.Equal(1, host.Streams.ConnectionCount);
    }

    [Fact]
    public async Task Pings_can_be_turned_off_and_the_hello_says_so()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.KeepAliveInterval = TimeSpan.Zero);
        await using var client = await host.ConnectAsync("/events");
        var hello = await client.ReadHelloAsync();
        Assert.Contains("\"keepAliveMs\":0", hello.Data);
    }

    [Fact]
    public async Task A_connection_says_when_it_opened_by_the_apps_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var host = await StartAsync(time);
        await using var client = await host.ConnectAsync("/s/events");
        await client.ReadHelloAsync();
        Assert.Equal(time.GetUtcNow(), host.Streams["s"].Connections.Single().ConnectedAt);
    }

    /// <summary>Reads lines until one starts with <paramref name="prefix"/>, and returns it.</summary>
    private static async Task<string> ReadUntilAsync(StreamReader reader, string prefix, string? forbidden = null)
    {
        while (true)
        {
            string? line = await reader.ReadLineAsync().WaitAsync(Wait.Long);
            Assert.NotNull(line);
            Assert.NotEqual(forbidden, line);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }
}
