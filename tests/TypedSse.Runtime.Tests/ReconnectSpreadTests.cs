using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

/// <summary>After a restart, thousands of clients reconnect at once unless each is told to wait a different time.</summary>
public partial class ReconnectSpreadTests
{
    private const int Clients = 2000;

    [Fact]
    public async Task On_shutdown_each_connection_gets_its_own_retry_spread_over_the_window()
    {
        var retry = TimeSpan.FromSeconds(3);
        var spread = TimeSpan.FromSeconds(10);
        var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o =>
        {
            o.RetryInterval = retry;
            o.ShutdownReconnectSpread = spread;
        });
        await using var _ = host;

        var bodies = new Task<string>[Clients];
        for (int i = 0; i < Clients; i++)
        {
            var response = await host.Client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead).WaitAsync(Wait.Long);
            bodies[i] = ReadToEndAsync(response);
        }
        await Wait.UntilAsync(() => host.Streams.ConnectionCount == Clients, $"{Clients} streams are open");

        await host.App.StopAsync().WaitAsync(Wait.Long);
        var retries = (await Task.WhenAll(bodies).WaitAsync(Wait.Long)).Select(LastRetryMs).ToArray();

        Assert.All(retries, ms => Assert.InRange(ms, retry.TotalMilliseconds, (retry + spread).TotalMilliseconds));
        // Ten one-second slots of the window: about 200 clients each, and none with a burst.
        var perSecond = retries.GroupBy(ms => (int)((ms - retry.TotalMilliseconds) / 1000)).ToDictionary(g => g.Key, g => g.Count());
        for (int second = 0; second < 10; second++)
        {
            Assert.InRange(perSecond.GetValueOrDefault(second), Clients / 10 / 2, Clients / 10 * 3 / 2);
        }
    }

    [Fact]
    public async Task A_zero_spread_sends_no_retry_on_shutdown()
    {
        var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.ShutdownReconnectSpread = TimeSpan.Zero);
        await using var _ = host;
        var response = await host.Client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        var body = ReadToEndAsync(response);
        await Wait.UntilAsync(() => host.Streams.ConnectionCount == 1, "the stream is open");
        await host.App.StopAsync().WaitAsync(Wait.Long);
        Assert.Single(RetryLine().Matches(await body.WaitAsync(Wait.Long))); // the one of the hello
    }

    private static async Task<string> ReadToEndAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return await response.Content.ReadAsStringAsync();
        }
    }

    private static double LastRetryMs(string body) => double.Parse(RetryLine().Matches(body)[^1].Groups[1].Value);

    [GeneratedRegex(@"^retry: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex RetryLine();
}
