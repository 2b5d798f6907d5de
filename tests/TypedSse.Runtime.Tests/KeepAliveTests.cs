using Microsoft.AspNetCore.Builder;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class KeepAliveTests
{
    [Fact]
    public async Task An_idle_connection_gets_pings()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.KeepAliveInterval = TimeSpan.FromMilliseconds(100));
        using var response = await host.Client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        int pings = 0;
        while (pings < 3)
        {
            string? line = await reader.ReadLineAsync().WaitAsync(Wait.Long);
            Assert.NotNull(line);
            if (line == ": ping")
            {
                pings++;
                Assert.Equal("", await reader.ReadLineAsync());
            }
        }
    }

    [Fact]
    public async Task A_busy_connection_gets_no_pings()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.KeepAliveInterval = TimeSpan.FromSeconds(20));
        using var response = await host.Client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await Wait.UntilAsync(() => host.Streams["s"].ConnectionCount == 1, "the client is connected");

        // Events keep coming far more often than the keep-alive interval, so no ping is due. They are published in
        // rounds the client reads before the next, so its queue never nears its bound however slowly it reads.
        const int rounds = 40, perRound = 50;
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < perRound; i++)
            {
                await host.Streams["s"].PublishAsync("tick", round * perRound + i);
            }

            int received = 0;
            while (received < perRound)
            {
                string? line = await reader.ReadLineAsync().WaitAsync(Wait.Long);
                Assert.NotNull(line);
                Assert.NotEqual(": ping", line);
                if (line.StartsWith("event: tick", StringComparison.Ordinal))
                {
                    received++;
                }
            }
        }
    }

    [Fact]
    public async Task Pings_can_be_turned_off_and_the_hello_says_so()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.KeepAliveInterval = TimeSpan.Zero);
        await using var client = await host.ConnectAsync("/events");
        var hello = await client.ReadHelloAsync();
        Assert.Contains("\"keepAliveMs\":0", hello.Data);
    }
}
