using System.Diagnostics;
using Xunit.Abstractions;

namespace TypedSse.App.Tests;

/// <summary>
/// The promise that the .NET client is trim- and AOT-safe: a console app that references only the client
/// (tests/TypedSse.ConsoleClient, with a JsonSerializerContext) publishes natively with no trim or AOT warning, and the
/// native binary receives typed events from a real server.
/// </summary>
public sealed class NativeAotClientTests(ConsoleClientPublish publish, ITestOutputHelper output) : IClassFixture<ConsoleClientPublish>
{
    /// <summary>A bound for one run of the native client, which needs a second on an idle machine.</summary>
    private static readonly TimeSpan RunBound = TimeSpan.FromMinutes(2);

    [Fact]
    public void The_native_publish_of_a_console_client_has_no_trim_or_AOT_warnings()
    {
        output.WriteLine(publish.Output);
        publish.AssertNativeWithoutWarnings();
    }

    [Fact]
    public async Task The_native_client_receives_typed_events_from_a_real_server()
    {
        await using var app = await AppProcess.StartManagedAsync(output);
        using var http = new HttpClient { BaseAddress = app.Url, Timeout = Timeout.InfiniteTimeSpan };
        using var client = Process.Start(new ProcessStartInfo(publish.Executable, [app.Url.ToString(), "lobby", "2"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stderr = client.StandardError.ReadToEndAsync();
        var stdout = client.StandardOutput.ReadToEndAsync();
        try
        {
            // Published once the server holds the client's stream, so that both events reach it live.
            var deadline = DateTime.UtcNow + RunBound;
            while (await http.GetStringAsync("/connections") != "1")
            {
                if (client.HasExited)
                {
                    Assert.Fail($"The client exited with {client.ExitCode} before it connected:\n{await stderr}");
                }

                Assert.True(DateTime.UtcNow < deadline, "The native client did not connect.");
                await Task.Delay(50);
            }

            (await http.PostAsync("/rooms/kitchen/ticks/1", null)).EnsureSuccessStatusCode(); // another room's
            (await http.PostAsync("/rooms/lobby/ticks/7", null)).EnsureSuccessStatusCode();
            (await http.PostAsync("/rooms/lobby/ticks/8", null)).EnsureSuccessStatusCode();

            using var bound = new CancellationTokenSource(RunBound);
            await client.WaitForExitAsync(bound.Token);
            output.WriteLine(await stderr);
            Assert.Equal(0, client.ExitCode);
            Assert.Equal("ticked 7 native,lobby post\nticked 8 native,lobby post\n", await stdout);
            Assert.Equal("", await stderr);
        }
        finally
        {
            if (!client.HasExited)
            {
                client.Kill();
            }
        }
    }
}
