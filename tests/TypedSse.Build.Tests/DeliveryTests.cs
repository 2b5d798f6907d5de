using System.IO.Compression;
using TypedSse.Build;

namespace TypedSse.Build.Tests;

/// <summary>
/// After `dotnet build`, the TypeScript clients are on disk, rewritten only when they change; `dotnet clean` removes
/// them; a property turns them off; and the NuGet package carries everything a PackageReference needs.
/// </summary>
public sealed class DeliveryTests
{
    private const string Contracts = """
        using TypedSse;

        namespace Scratch;

        [EventStream("/rooms/{room}/events")]
        public interface IChatEvents
        {
            Task MessagePosted(string text);
        }

        [EventStream("/clock")]
        public interface IClockEvents
        {
            Task Ticked(long now);
        }
        """;

    private const string Program = """
        var app = WebApplication.Create(args);
        Scratch.ChatEventsExtensions.MapChatEvents(app);
        app.Run();
        """;

    private static readonly DateTime LongAgo = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Build_writes_the_clients_rewrites_only_what_changed_and_clean_removes_them()
    {
        using var scratch = new ScratchFolder();
        var project = WriteProjectReferenceProject(scratch, "<TypedSseTypeScriptOutputPath>web/src/api/</TypedSseTypeScriptOutputPath>");
        var output = Path.Combine(scratch.Path, "web", "src", "api");
        var userFile = scratch.Write("web/src/api/mine.ts", "export const mine = 1;\n");

        await BuildAsync(scratch, project);
        var runtime = Directory.GetFiles(Path.Combine(DotNet.RepositoryRoot, "src", "TypedSse.TypeScript", "runtime"), "*.ts").Select(Path.GetFileName).Order();
        Assert.Equal(["asyncapi.json", "chat-events.ts", "clock-events.ts", "mine.ts", "package.json"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
        Assert.Equal(runtime, Directory.GetFiles(Path.Combine(output, "typedsse")).Select(Path.GetFileName).Order());
        Assert.Contains("export class ChatEventsClient", File.ReadAllText(Path.Combine(output, "chat-events.ts")));
        // ES modules whatever package.json encloses the folder (the test's own folder has none).
        Assert.Equal("module", System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "package.json"))).RootElement.GetProperty("type").GetString());

        // Nothing changed: no file is touched, so a front-end watcher sees nothing.
        var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories);
        foreach (var file in files)
        {
            File.SetLastWriteTimeUtc(file, LongAgo);
        }

        await BuildAsync(scratch, project);
        Assert.All(files, file => Assert.Equal(LongAgo, File.GetLastWriteTimeUtc(file)));

        // One contract changed: only its file is rewritten, and the AsyncAPI document, which describes its events.
        scratch.Write("Contracts.cs", Contracts.Replace("Task Ticked(long now);", "Task Ticked(long now);\n    Task Stopped();"));
        await BuildAsync(scratch, project);
        Assert.Contains("stopped: [];", File.ReadAllText(Path.Combine(output, "clock-events.ts")));
        Assert.Contains("\"stopped\"", File.ReadAllText(Path.Combine(output, "asyncapi.json")), StringComparison.OrdinalIgnoreCase);
        Assert.All(files.Where(static f => !f.EndsWith("clock-events.ts", StringComparison.Ordinal) && !f.EndsWith("asyncapi.json", StringComparison.Ordinal)),
            file => Assert.Equal(LongAgo, File.GetLastWriteTimeUtc(file)));
        Assert.NotEqual(LongAgo, File.GetLastWriteTimeUtc(Path.Combine(output, "clock-events.ts")));

        // A contract is gone: so is its file.
        scratch.Write("Contracts.cs", Contracts.Replace("IClockEvents", "ITimerEvents"));
        await BuildAsync(scratch, project);
        Assert.Equal(["asyncapi.json", "chat-events.ts", "mine.ts", "package.json", "timer-events.ts"], Directory.GetFiles(output).Select(Path.GetFileName).Order());

        // Clean removes what TypedSse wrote, and nothing else.
        await DotNet.RunAsync(scratch.Path, "clean", project, "-c", "Release", "-p:BuildProjectReferences=false", "-nologo");
        Assert.Equal([userFile], Directory.GetFileSystemEntries(output));

        // A package.json of the user's in the folder is theirs: left as it is, and by a clean too.
        var userPackage = scratch.Write("web/src/api/package.json", "{ \"type\": \"commonjs\" }\n");
        await BuildAsync(scratch, project);
        Assert.Equal("{ \"type\": \"commonjs\" }\n", File.ReadAllText(userPackage));
        await DotNet.RunAsync(scratch.Path, "clean", project, "-c", "Release", "-p:BuildProjectReferences=false", "-nologo");
        Assert.Equal([userFile, userPackage], Directory.GetFileSystemEntries(output).Order());
    }

    [Fact]
    public async Task TypedSseTypeScript_false_writes_nothing_and_embeds_no_TypeScript()
    {
        using var scratch = new ScratchFolder();
        var project = WriteProjectReferenceProject(scratch, "<TypedSseTypeScript>false</TypedSseTypeScript>");

        await BuildAsync(scratch, project);

        Assert.False(Directory.Exists(Path.Combine(scratch.Path, "ClientApp")));
        using var assembly = File.OpenRead(Path.Combine(scratch.Path, "obj", "Release", "net10.0", "Scratch.dll"));
        // The AsyncAPI document stays embedded: the app serves it (MapAsyncApiDocument) whether or not it has clients.
        Assert.Equal(["asyncapi.json"], TypeScriptFileReader.Read(assembly).Select(static file => file.Key));
    }

    [Fact]
    public async Task The_package_carries_the_targets_the_task_and_the_runtime_so_a_PackageReference_gets_the_clients()
    {
        using var scratch = new ScratchFolder();
        var packages = Path.Combine(scratch.Path, "packages");
        // The runtime depends on the client package, which holds the contract attributes.
        foreach (string packed in (string[])["src/TypedSse.Client/TypedSse.Client.csproj", "src/TypedSse.Runtime/TypedSse.Runtime.csproj"])
        {
            await DotNet.RunAsync(DotNet.RepositoryRoot, "pack", packed, "-c", "Release", "--no-build", "-o", packages, "-p:PackageVersion=0.0.1-test", "-nologo");
        }

        // The generator comes with the client package, on which the runtime's depends.
        using (var package = ZipFile.OpenRead(Path.Combine(packages, "TypedSse.Client.0.0.1-test.nupkg")))
        {
            Assert.Contains("analyzers/dotnet/cs/TypedSse.Generator.dll", package.Entries.Select(static e => e.FullName));
        }

        using (var package = ZipFile.OpenRead(Path.Combine(packages, "TypedSse.Runtime.0.0.1-test.nupkg")))
        {
            var entries = package.Entries.Select(static e => e.FullName).ToHashSet();
            Assert.Contains("build/TypedSse.Runtime.props", entries);
            Assert.Contains("build/TypedSse.Runtime.targets", entries);
            Assert.Contains("buildTransitive/TypedSse.Runtime.props", entries);
            Assert.Contains("buildTransitive/TypedSse.Runtime.targets", entries);
            Assert.Contains("tasks/netstandard2.0/TypedSse.Build.dll", entries);
            Assert.Contains("typescript/client.ts", entries);
            Assert.Contains("typescript/contract-client.ts", entries);
            Assert.Contains("typescript/index.ts", entries);
        }

        // A consumer outside the repository, restoring only from the packed folder into a cache of its own.
        scratch.Write("app/nuget.config", $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var project = scratch.Write("app/App.csproj", """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>$(MSBuildProjectDirectory)/../nuget-cache</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TypedSse.Runtime" Version="0.0.1-test" />
              </ItemGroup>
            </Project>
            """);
        scratch.Write("app/Contracts.cs", Contracts);
        scratch.Write("app/Program.cs", Program);

        await DotNet.RunAsync(Path.Combine(scratch.Path, "app"), "build", project, "-c", "Release", "-nologo");

        var output = Path.Combine(scratch.Path, "app", "ClientApp", "generated");
        Assert.Equal(["asyncapi.json", "chat-events.ts", "clock-events.ts", "package.json"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
        Assert.True(File.Exists(Path.Combine(output, "typedsse", "contract-client.ts")));
        Assert.True(File.Exists(Path.Combine(output, "typedsse", "index.ts")));
    }

    private static string WriteProjectReferenceProject(ScratchFolder scratch, string properties)
    {
        scratch.Write("Contracts.cs", Contracts);
        scratch.Write("Program.cs", Program);
        return scratch.Write("Scratch.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                {properties}
              </PropertyGroup>
              <Import Project="{Path.Combine(DotNet.RepositoryRoot, "eng", "TypedSse.ProjectReference.targets")}" />
            </Project>
            """);
    }

    // The repository's projects are built already (the test project references them); building them again from
    // here would only race with other builds.
    private static Task BuildAsync(ScratchFolder scratch, string project) =>
        DotNet.RunAsync(scratch.Path, "build", project, "-c", "Release", "-p:BuildProjectReferences=false", "-nologo");
}
