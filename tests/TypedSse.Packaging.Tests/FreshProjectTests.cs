using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
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
    public void The_OpenAPI_package_brings_Microsoft_AspNetCore_OpenApi_with_its_build_targets()
    {
        Assert.Contains("lib/net10.0/TypedSse.OpenApi.dll", FreshProject.Entries(project.OpenApiPackage));
        // With the default (exclude="Build,Analyzers") an app gets the generator but not the targets that enable its interceptors.
        Assert.Matches("""<dependency id="Microsoft.AspNetCore.OpenApi" version="[^"]+" include="All" />""", FreshProject.Nuspec(project.OpenApiPackage));
    }

    [Fact]
    public async Task A_web_project_with_only_the_OpenAPI_package_builds_and_serves_both_descriptions_of_its_streams()
    {
        // What the README says to do, which the fixture did.
        string commands = Readme.Block("then add it alone to the app.", "sh");
        Assert.Matches(@"(?m)^dotnet pack src/TypedSse.OpenApi -c Release -o ~/typedsse-packages\s", commands);
        Assert.Matches(@"(?m)^dotnet add package TypedSse.OpenApi\s", commands);

        output.WriteLine(project.DescribedBuildOutput);
        Assert.Contains("0 Warning(s)", project.DescribedBuildOutput);
        Assert.Contains("0 Error(s)", project.DescribedBuildOutput);
        Assert.DoesNotContain("Microsoft.AspNetCore.OpenApi", File.ReadAllText(Path.Combine(project.DescribedDirectory, "FreshDescribed.csproj")));

        await using var app = await App.StartAsync(project, output, project.DescribedDirectory, project.DescribedAssembly);
        using (var openApi = await app.Http.GetAsync("/openapi/v1.json").WaitAsync(DotNet.Patience))
        {
            Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
            var paths = JsonDocument.Parse(await openApi.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
            var item = paths.GetProperty("/rooms/{room}/events").GetProperty("get").GetProperty("responses").GetProperty("200")
                .GetProperty("content").GetProperty("text/event-stream").GetProperty("x-itemSchema");
            Assert.Contains(item.GetProperty("oneOf").EnumerateArray(), static c => c.GetProperty("properties").GetProperty("event").TryGetProperty("const", out var name) && name.GetString() == "messagePosted");
        }

        using var asyncApi = await app.Http.GetAsync("/asyncapi.json").WaitAsync(DotNet.Patience);
        Assert.Equal(HttpStatusCode.OK, asyncApi.StatusCode);
        var document = JsonDocument.Parse(await asyncApi.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(new Uri(app.BaseAddress).Authority, document.GetProperty("servers").GetProperty("app").GetProperty("host").GetString());
        Assert.Equal("/events", document.GetProperty("channels").GetProperty("multiplexed").GetProperty("address").GetString());
        Assert.True(File.Exists(Path.Combine(project.DescribedDirectory, "ClientApp", "generated", "asyncapi.json")), "The build wrote no asyncapi.json.");
    }

    [Theory]
    [InlineData("TypedSse.Client")]
    [InlineData("TypedSse.Runtime")]
    [InlineData("TypedSse.PostgreSql")]
    [InlineData("TypedSse.OpenApi")]
    public void Each_package_says_who_made_it_under_which_license_and_where_its_source_is(string id)
    {
        string package = Directory.GetFiles(project.Feed, $"{id}.*.nupkg").Single(p => Regex.IsMatch(Path.GetFileName(p), $@"^{Regex.Escape(id)}\.\d"));
        var entries = FreshProject.Entries(package);
        string nuspec = FreshProject.Nuspec(package);
        output.WriteLine(nuspec);

        Assert.Contains("""<license type="expression">MIT</license>""", nuspec);
        Assert.Contains("<authors>TypedSse contributors</authors>", nuspec);
        Assert.Matches("""<repository type="git" url="https://github.com/typedsse/typedsse" (branch="[^"]*" )?commit="[0-9a-f]{40}" />""", nuspec);
        Assert.Contains("<projectUrl>https://github.com/typedsse/typedsse</projectUrl>", nuspec);
        Assert.Contains("<readme>README.md</readme>", nuspec);
        Assert.Contains("<icon>icon.png</icon>", nuspec);
        Assert.Contains("icon.png", entries);
        Assert.Contains("README.md", entries);
        Assert.Matches("<description>.{20,}</description>", nuspec);

        // The symbols package: the PDB, whose SourceLink points at the canonical repository at the built commit
        // (the commit of the build, which a commit between build and pack makes differ from the nuspec's).
        string symbols = Path.ChangeExtension(package, ".snupkg");
        Assert.True(File.Exists(symbols), $"No symbols package beside {package}.");
        string sourceLink = SourceLinkOf(symbols, $"lib/net10.0/{id}.pdb");
        output.WriteLine(sourceLink);
        var documents = JsonDocument.Parse(sourceLink).RootElement.GetProperty("documents");
        Assert.Contains(documents.EnumerateObject(), d => Regex.IsMatch(d.Value.GetString() ?? "", "^https://raw\\.githubusercontent\\.com/typedsse/typedsse/[0-9a-f]{40}/\\*$"));
    }

    [Fact]
    public void The_packed_readme_renders_on_a_package_page_its_links_absolute()
    {
        string readme = FreshProject.Read(project.RuntimePackage, "README.md");
        Assert.StartsWith("# TypedSse", readme);
        var links = Readme.Links(readme);
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.Matches("^https?://", link));
        // Links into the repository point at the packed commit; the README's own sections at its anchors there.
        string commit = Regex.Match(FreshProject.Nuspec(project.RuntimePackage), "commit=\"([0-9a-f]{40})\"").Groups[1].Value;
        Assert.Contains($"https://github.com/typedsse/typedsse/blob/{commit}/docs/typescript.md", links);
        Assert.Contains($"https://github.com/typedsse/typedsse/blob/{commit}/README.md#in-the-browser-and-in-node", links);
    }

    [Fact]
    public void A_new_web_project_with_a_contract_builds_without_warnings()
    {
        // MapChatEvents and Route(room) exist only if the generator ran from the package.
        output.WriteLine(project.QuickstartOutput);
        output.WriteLine(project.BuildOutput);
        Assert.Contains("0 Warning(s)", project.BuildOutput);
        Assert.Contains("0 Error(s)", project.BuildOutput);
    }

    [Fact]
    public void The_build_writes_the_typed_TypeScript_client_and_its_runtime_as_ES_modules()
    {
        string generated = Path.Combine(project.ProjectDirectory, "ClientApp", "generated");
        string client = File.ReadAllText(Path.Combine(generated, "chat-events.ts"));
        Assert.Contains("export class ChatEventsClient", client);
        Assert.Contains("export interface ChatMessage", client);
        Assert.Contains("messagePosted: [message: ChatMessage];", client);
        Assert.True(File.Exists(Path.Combine(generated, "typedsse", "index.ts")), "The TypeScript runtime was not written beside the client.");
        Assert.Equal("module", JsonDocument.Parse(File.ReadAllText(Path.Combine(generated, "package.json"))).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_app_serves_its_page_and_streams_typed_events_to_an_HTTP_client_as_the_README_shows()
    {
        await using var app = await App.StartAsync(project, output);

        using (var page = await app.Http.GetAsync("/").WaitAsync(DotNet.Patience))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal(FreshProject.Page, await page.Content.ReadAsStringAsync());
        }

        // The README's curl commands: what it posts, and the event it says arrives.
        string commands = Readme.Block("Run it and watch a room:", "sh");
        string posted = Regex.Match(commands, "-d '([^']+)'").Groups[1].Value;
        string shown = Readme.Text[Readme.Text.IndexOf("Run it and watch a room:", StringComparison.Ordinal)..];
        string expectedData = Regex.Match(shown, @"event: messagePosted\nid: \d+\ndata: (.+)\n").Groups[1].Value;
        Assert.NotEqual("", posted);
        Assert.Equal(posted, expectedData);

        var request = new HttpRequestMessage(HttpMethod.Get, "/rooms/lobby/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await app.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(DotNet.Patience);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var events = SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync().GetAsyncEnumerator();

        Assert.Equal("typedsse:hello", (await NextAsync(events)).EventType);
        // Another room's message must not reach this connection; the lobby's must.
        (await app.PostAsync("/rooms/kitchen/messages", """{"user":"bob","text":"not for the lobby"}""")).EnsureSuccessStatusCode();
        (await app.PostAsync("/rooms/lobby/messages", posted)).EnsureSuccessStatusCode();

        var received = await NextAsync(events);
        Assert.Equal("messagePosted", received.EventType);
        Assert.True(long.TryParse(received.EventId, out _), $"The event id '{received.EventId}' is not a number.");
        Assert.Equal(expectedData, received.Data);
    }

    [Theory]
    [InlineData("module")]
    [InlineData("commonjs")]
    public async Task The_README_Node_example_compiled_with_tsc_receives_events_and_exits_by_itself(string packageType)
    {
        await using var app = await App.StartAsync(project, output);

        // As the README says, in a folder of its own outside the clone: the generated folder, a package.json of either
        // type, the README's tsconfig.json and watch.mts, compiled with the real tsc and run with node.
        string folder = Path.Combine(project.Root, $"node-{packageType}");
        CopyFolder(Path.Combine(project.ProjectDirectory, "ClientApp", "generated"), Path.Combine(folder, "generated"));
        await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), $$"""{ "name": "chat-watch", "version": "1.0.0", "type": "{{packageType}}" }""");
        await File.WriteAllTextAsync(Path.Combine(folder, "tsconfig.json"), Readme.Block("and the generated folder's `package.json` applies to it):", "json"));
        string script = Readme.Block("and the script, `watch.mts`", "ts");
        Assert.Contains("http://localhost:5000", script);
        await File.WriteAllTextAsync(Path.Combine(folder, "watch.mts"), script.Replace("http://localhost:5000", app.BaseAddress, StringComparison.Ordinal));
        Assert.Equal("npx tsc && node watch.mjs\n", Readme.Block("`.mts`: an ES module in either kind of package", "sh"));

        string tsc = Path.Combine(DotNet.RepositoryRoot, "src", "TypedSse.TypeScript", "node_modules", "typescript", "bin", "tsc");
        output.WriteLine(await DotNet.RunProgramAsync("node", folder, null, tsc, "-p", "."));

        var start = DotNet.StartInfo(folder, null, "watch.mjs");
        start.FileName = "node";
        using var node = Process.Start(start)!;
        var printed = new StringBuilder();
        node.OutputDataReceived += (_, e) => { lock (printed) { printed.AppendLine(e.Data); } Log(e.Data); };
        node.ErrorDataReceived += (_, e) => { lock (printed) { printed.AppendLine(e.Data); } Log(e.Data); };
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        try
        {
            // Until the script has connected, a message is not for it: post until one arrives, then say bye.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!Printed().Contains(" ada hi"))
            {
                Assert.True(DateTime.UtcNow < deadline && !node.HasExited, $"The script received nothing:\n{Printed()}");
                (await app.PostAsync("/rooms/lobby/messages", """{"user":"ada","text":"hi"}""")).EnsureSuccessStatusCode();
                await Task.Delay(200);
            }
            (await app.PostAsync("/rooms/lobby/messages", """{"user":"ada","text":"bye"}""")).EnsureSuccessStatusCode();

            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await node.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The script did not exit within 30 s of leaving its loop:\n{Printed()}");
            }
            node.WaitForExit();
            Assert.True(node.ExitCode == 0, $"The script exited with {node.ExitCode}:\n{Printed()}");
            Assert.Matches(@"(?m)^\d+ ada bye$", Printed());
            Assert.DoesNotContain("Warning", Printed()); // no module-type guessing, no experimental require of ES modules
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }

        string Printed()
        {
            lock (printed)
            {
                return printed.ToString();
            }
        }
    }

    private static string SourceLinkOf(string symbolsPackage, string pdbEntry)
    {
        using var zip = ZipFile.OpenRead(symbolsPackage);
        using var pdb = new MemoryStream();
        using (var stream = zip.GetEntry(pdbEntry)!.Open())
        {
            stream.CopyTo(pdb);
        }
        pdb.Position = 0;
        using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        foreach (var handle in reader.CustomDebugInformation)
        {
            var information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) == sourceLinkKind)
            {
                return Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value));
            }
        }
        throw new Xunit.Sdk.XunitException($"{pdbEntry} in {symbolsPackage} has no SourceLink.");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task<SseItem<string>> NextAsync(IAsyncEnumerator<SseItem<string>> events)
    {
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(DotNet.Patience), "The stream ended.");
        return events.Current;
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

    /// <summary>The quickstart app, run as <c>dotnet run --urls …</c> would, on a free port of 127.0.0.1.</summary>
    private sealed class App : IAsyncDisposable
    {
        private readonly Process process;

        private App(Process process, string baseAddress)
        {
            this.process = process;
            BaseAddress = baseAddress;
            Http = new HttpClient { BaseAddress = new Uri(baseAddress), Timeout = Timeout.InfiniteTimeSpan };
        }

        public string BaseAddress { get; }

        public HttpClient Http { get; }

        public static Task<App> StartAsync(FreshProject project, ITestOutputHelper output) =>
            StartAsync(project, output, project.ProjectDirectory, project.AppAssembly);

        public static async Task<App> StartAsync(FreshProject project, ITestOutputHelper output, string directory, string assembly)
        {
            int port = FreePort();
            var start = DotNet.StartInfo(directory, project.Environment, assembly, "--urls", $"http://127.0.0.1:{port}");
            var process = Process.Start(start)!;
            var app = new App(process, $"http://127.0.0.1:{port}");
            process.OutputDataReceived += (_, e) => Log(output, e.Data);
            process.ErrorDataReceived += (_, e) => Log(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var deadline = DateTime.UtcNow + DotNet.Patience;
                while (true)
                {
                    Assert.False(process.HasExited, "The app exited before it served.");
                    try
                    {
                        using var response = await app.Http.GetAsync("/favicon.ico"); // any answer will do
                        return app;
                    }
                    catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                    {
                    }
                    await Task.Delay(100);
                }
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        }

        public Task<HttpResponseMessage> PostAsync(string path, string json) =>
            Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json")).WaitAsync(DotNet.Patience);

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync();
            process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static void Log(ITestOutputHelper output, string? line)
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
}
