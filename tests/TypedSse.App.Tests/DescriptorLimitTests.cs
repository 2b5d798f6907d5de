using System.Net;
using Xunit.Abstractions;

namespace TypedSse.App.Tests;

/// <summary>
/// A flood of connections beyond the process's descriptor limit gets refusals, and the streams already open go on:
/// without the caps TypedSse derives from <c>ulimit -n</c>, enforced at accept, the process runs out of descriptors
/// and .NET aborts it ("Out of memory."). The app runs in a child process with a low limit of its own.
/// </summary>
public sealed class DescriptorLimitTests(ITestOutputHelper output)
{
    private const int DescriptorLimit = 512;
    private const int Flood = 1_000;

    [Fact]
    public async Task Past_the_descriptor_limit_new_streams_are_refused_and_the_open_ones_keep_receiving()
    {
        await using var app = await AppProcess.StartManagedAsync(DescriptorLimit, output);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = app.Url,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var open = new List<SseClient>();
        var flood = new List<Task<HttpResponseMessage>>();
        using var flooding = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = app.Url,
            Timeout = TimeSpan.FromSeconds(60),
        };
        try
        {
            for (int i = 0; i < 10; i++)
            {
                open.Add(await SseClient.ConnectAsync(http, "/rooms/kept/events"));
                await open[^1].ReadHelloAsync();
            }

            for (int i = 0; i < Flood; i++)
            {
                var request = new HttpRequestMessage(HttpMethod.Get, $"/rooms/flood{i}/events");
                request.Headers.Accept.ParseAdd("text/event-stream");
                flood.Add(flooding.SendAsync(request, HttpCompletionOption.ResponseHeadersRead));
            }
            var answers = await Task.WhenAll(flood.Select(async answer =>
            {
                try
                {
                    return (int)(await answer).StatusCode;
                }
                catch (HttpRequestException)
                {
                    return 0; // closed by Kestrel's connection cap
                }
            }));
            var byStatus = answers.GroupBy(static status => status).ToDictionary(static g => g.Key, static g => g.Count());
            output.WriteLine("Flood answers: " + string.Join(", ", byStatus.OrderBy(static p => p.Key).Select(static p => $"{p.Key}: {p.Value}")));
            // Connections past Kestrel's cap wait in the backlog for an accept instead of being accepted and cut, so
            // every request of the flood is answered: a stream, or a 503 that closes its connection.
            Assert.Equal(0, byStatus.GetValueOrDefault(0));
            Assert.True(byStatus.GetValueOrDefault(503) > 0, "Nothing of the flood was refused.");
            Assert.InRange(byStatus.GetValueOrDefault(200), 1, DescriptorLimit);
            Assert.Equal(Flood, byStatus.GetValueOrDefault(200) + byStatus.GetValueOrDefault(503));

            flooding.Dispose();
            foreach (var answer in flood.Where(static a => a.IsCompletedSuccessfully))
            {
                (await answer).Dispose();
            }

            Assert.False(app.HasExited, $"The app exited:\n{string.Join('\n', app.Lines)}");
            await RetryAsync(() => http.PostAsync("/rooms/kept/ticks/1", null));
            foreach (var client in open)
            {
                await client.WaitForCountAsync(1);
            }
        }
        finally
        {
            await Task.WhenAll(open.Select(static client => client.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The flood's connections close over a moment; until Kestrel has room again a request may be cut.</summary>
    private static async Task RetryAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var response = await send();
                response.EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
