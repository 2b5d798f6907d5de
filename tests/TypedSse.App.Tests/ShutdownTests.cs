using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace TypedSse.App.Tests;

/// <summary>
/// Stopping the host with 10,000 streams open while the app keeps publishing: every stream must end the way a
/// finished response ends (the chunked terminator, then EOF), never with a reset or a cut, and the host must stop
/// within its shutdown timeout. The server runs in a process of its own: 10,000 streams take 10,000 descriptors on
/// each side, and one process may hold only 20,000.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private const int Streams = 10_000;
    private const int Rooms = 1_000;

    [Fact]
    public async Task Every_one_of_10000_streams_ends_cleanly_when_the_host_stops_while_publishing()
    {
        await using var app = await AppProcess.StartManagedAsync(output, $"--Rooms={Rooms}");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = app.Url,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var clients = new List<SseClient>(Streams);
        try
        {
            // In batches, each subscribed (its hello read) before the next: 10,000 connects at once would overflow the
            // listen backlog and wait on SYN retries.
            for (var opened = 0; opened < Streams; opened += 500)
            {
                clients.AddRange(await Task.WhenAll(Enumerable.Range(opened, 500).Select(i => OpenAsync(http, $"/rooms/r{i % Rooms}/events"))));
            }

            Assert.Equal(Streams, int.Parse(await http.GetStringAsync("/connections"), CultureInfo.InvariantCulture));

            // A thousand publishes a second, each to one room of ten connections, so that shutdown races live
            // publishes; started only now, so that the clients do not pile up events while the others connect.
            (await http.PostAsync("/publishing/1000", null)).EnsureSuccessStatusCode();
            await Task.WhenAll(clients.Select(client => client.WaitForCountAsync(1)));

            app.Terminate();
            var ends = await Task.WhenAll(clients.Select(client => client.EndAsync()));
            var exitCode = await app.WaitForExitAsync();

            var broken = ends.Where(static end => !end.Clean).ToList();
            Assert.True(broken.Count == 0,
                $"{broken.Count} of {Streams} streams did not end cleanly:\n"
                + string.Join('\n', broken.GroupBy(static end => end.ToString()).Select(static g => $"  {g.Count()} × {g.Key}"))
                + $"\nThe app printed:\n{string.Join('\n', app.Lines)}");
            Assert.Equal(0, exitCode);
            var (stoppedMs, timeoutMs) = app.StopReport();
            Assert.True(stoppedMs < timeoutMs, $"The host took {stoppedMs} ms to stop; its shutdown timeout is {timeoutMs} ms.");
            output.WriteLine($"The host stopped in {stoppedMs} ms with {Streams} streams open; {clients.Sum(static c => c.AppEvents.Count)} events were received.");
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }

    private static async Task<SseClient> OpenAsync(HttpClient http, string path)
    {
        var client = await SseClient.ConnectAsync(http, path);
        Assert.Equal(HttpStatusCode.OK, client.Response.StatusCode);
        await client.ReadHelloAsync();
        return client.ReadInBackground();
    }
}
