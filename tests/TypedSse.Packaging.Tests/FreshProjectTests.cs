using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text.Json;
using Xunit.Abstractions;

namespace TypedSse.Packaging.Tests;

public sealed class FreshProjectTests(FreshProject project, ITestOutputHelper output) : IClassFixture<FreshProject>
{
    [Fact]
    public void The_client_package_carries_the_generator_and_the_runtime_package_gets_it_from_there()
    {
        var client = FreshProject.Entries(project.ClientPackage);
        Assert.Contains("lib/net10.0/TypedSse.Client.dll", client);
        Assert.Contains("analyzers/dotnet/cs/TypedSse.Generator.dll", client);
        string clientNuspec = FreshProject.Nuspec(project.ClientPackage);
        Assert.DoesNotContain("TypedSse.Generator", clientNuspec); // no package dependency on the generator project
        Assert.DoesNotContain("Microsoft.AspNetCore", clientNuspec);

        var entries = FreshProject.Entries(project.RuntimePackage);
        Assert.Contains("lib/net10.0/TypedSse.Runtime.dll", entries);
        Assert.Contains("lib/net10.0/TypedSse.Runtime.xml", entries);
        // One copy of the generator, or a server would run it twice and define every generated type twice.
        Assert.DoesNotContain(entries, static entry => entry.StartsWith("analyzers/", StringComparison.Ordinal));
        Assert.Contains("README.md", entries);

        string nuspec = FreshProject.Nuspec(project.RuntimePackage);
        Assert.DoesNotContain("TypedSse.Generator", nuspec);
        // With its analyzers: NuGet's default would exclude them (exclude="Build,Analyzers").
        Assert.Matches("""<dependency id="TypedSse.Client" version="[^"]+" include="All" />""", nuspec);
        Assert.Contains("""<frameworkReference name="Microsoft.AspNetCore.App" />""", nuspec);
    }

    [Fact]
    public void A_console_app_with_only_the_client_package_compiles_a_generated_client()
    {
        // ConnectChatEvents and ChatEventsRoute exist only if the generator ran from the client package.
        output.WriteLine(project.ConsoleBuildOutput);
        Assert.Contains("0 Warning(s)", project.ConsoleBuildOutput);
        Assert.Contains("0 Error(s)", project.ConsoleBuildOutput);
        var assets = File.ReadAllText(Path.Combine(project.ConsoleDirectory, "obj", "project.assets.json"));
        Assert.DoesNotContain("TypedSse.Runtime", assets);
        Assert.DoesNotContain("Microsoft.AspNetCore", assets);
        Assert.False(Directory.Exists(Path.Combine(project.ConsoleDirectory, "ClientApp")), "A console app got TypeScript clients.");
    }

    [Fact]
    public void The_backplane_package_depends_on_the_runtime_and_Npgsql()
    {
        Assert.Contains("lib/net10.0/TypedSse.PostgreSql.dll", FreshProject.Entries(project.PostgreSqlPackage));
        string nuspec = FreshProject.Nuspec(project.PostgreSqlPackage);
        Assert.Contains("""<dependency id="TypedSse.Runtime" """, nuspec);
        Assert.Contains("""<dependency id="Npgsql" """, nuspec);
    }

    [Fact]
    public void A_new_web_project_with_a_contract_builds_without_warnings()
    {
        // MapChatEvents and Route(room) exist only if the generator ran from the package.
        output.WriteLine(project.BuildOutput);
        Assert.Contains("0 Warning(s)", project.BuildOutput);
        Assert.Contains("0 Error(s)", project.BuildOutput);
    }

    [Fact]
    public void The_build_writes_the_typed_TypeScript_client_and_its_runtime()
    {
        string generated = Path.Combine(project.ProjectDirectory, "ClientApp", "generated");
        string client = File.ReadAllText(Path.Combine(generated, "chat-events.ts"));
        Assert.Contains("export class ChatEventsClient", client);
        Assert.Contains("export interface ChatMessage", client);
        Assert.Contains("messagePosted: [message: ChatMessage];", client);
        Assert.True(File.Exists(Path.Combine(generated, "typedsse", "index.ts")), "The TypeScript runtime was not written beside the client.");
    }

    [Fact]
    public async Task The_app_streams_typed_events_to_an_HTTP_client()
    {
        int port = FreePort();
        var start = DotNet.StartInfo(project.ProjectDirectory, project.Environment,
            Path.Combine("bin", "Release", "net10.0", "FreshApp.dll"), "--urls", $"http://127.0.0.1:{port}");
        using var app = Process.Start(start)!;
        app.OutputDataReceived += (_, e) => Log(e.Data);
        app.ErrorDataReceived += (_, e) => Log(e.Data);
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan };
            await WaitUntilServingAsync(http, app);

            var request = new HttpRequestMessage(HttpMethod.Get, "/rooms/lobby/events");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(DotNet.Patience);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            await using var events = SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync().GetAsyncEnumerator();

            Assert.Equal("typedsse:hello", (await NextAsync(events)).EventType);
            // Another room's message must not reach this connection; the lobby's must.
            (await http.PostAsJsonAsync("/rooms/kitchen/messages", new { user = "bob", text = "not for the lobby" })).EnsureSuccessStatusCode();
            (await http.PostAsJsonAsync("/rooms/lobby/messages", new { user = "ada", text = "hello" })).EnsureSuccessStatusCode();

            var posted = await NextAsync(events);
            Assert.Equal("messagePosted", posted.EventType);
            Assert.True(long.TryParse(posted.EventId, out _), $"The event id '{posted.EventId}' is not a number.");
            var message = JsonDocument.Parse(posted.Data).RootElement;
            Assert.Equal("ada", message.GetProperty("user").GetString());
            Assert.Equal("hello", message.GetProperty("text").GetString());
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
    }

    private static async Task<SseItem<string>> NextAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(DotNet.Patience), "The stream ended.");
        return events.Current;
    }

    private static async Task WaitUntilServingAsync(HttpClient http, Process app)
    {
        var deadline = DateTime.UtcNow + DotNet.Patience;
        while (true)
        {
            Assert.False(app.HasExited, $"The app exited with {(app.HasExited ? app.ExitCode : 0)} before it served.");
            try
            {
                using var response = await http.GetAsync("/"); // any answer will do: the app maps no "/"
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }
}
