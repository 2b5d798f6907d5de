using System.IO.Compression;

namespace TypedSse.Packaging.Tests;

/// <summary>
/// What a new user does, following README.md's quickstart, once for the test class: its shell commands run in an
/// empty temporary folder that stands for the home folder (<c>~</c>), outside the clone: pack TypedSse into a local
/// folder feed, <c>dotnet new web</c>, add that feed as a source, <c>dotnet add package TypedSse.Runtime</c>; then its
/// <c>Contracts.cs</c> and <c>Program.cs</c> go into the project, which is built (the build also writes the
/// TypeScript client to ClientApp/generated/); and <c>dotnet new console</c> with only <c>dotnet add package
/// TypedSse.Client</c>, a contract and a receiver of it. NuGet's package folder is a fresh one, so nothing cached from earlier
/// runs can hide a broken package.
/// </summary>
public sealed class FreshProject : IAsyncLifetime
{
    /// <summary>The contract the console app receives.</summary>
    public const string Contract = """
        using TypedSse;

        namespace FreshApp;

        [EventStream("/rooms/{room}/events")]
        public interface IChatEvents
        {
            Task MessagePosted(ChatMessage message);
            Task Typing(string user);
        }

        public record ChatMessage(string User, string Text);
        """;

    /// <summary>A console app that receives the same contract with only the client package: its .NET client is generated.</summary>
    public const string ConsoleProgram = """
        using FreshApp;
        using TypedSse.Client;

        using var http = new HttpClient { BaseAddress = new Uri(args[0]), Timeout = Timeout.InfiniteTimeSpan };
        await using var lobby = new EventStreamClient(http).ConnectChatEvents(new ChatEventsRoute("lobby"), new ChatView());
        await lobby.Completion;

        sealed class ChatView : IChatEvents
        {
            public Task MessagePosted(ChatMessage message)
            {
                Console.WriteLine($"{message.User}: {message.Text}");
                return Task.CompletedTask;
            }

            public Task Typing(string user) => Task.CompletedTask;
        }
        """;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"typedsse-fresh-{Guid.NewGuid():N}");

    /// <summary>The README's package folder, <c>~/typedsse-packages</c>.</summary>
    public string Feed => Path.Combine(Root, "typedsse-packages");

    /// <summary>The folder the README's commands create the app in.</summary>
    public string ProjectDirectory { get; private set; } = "";

    public string AppAssembly => Path.Combine(ProjectDirectory, "bin", "Release", "net10.0", Path.GetFileName(ProjectDirectory) + ".dll");

    public string QuickstartOutput { get; private set; } = "";

    public string BuildOutput { get; private set; } = "";

    public string ConsoleDirectory => Path.Combine(Root, "FreshConsole");

    public string ConsoleBuildOutput { get; private set; } = "";

    public string ClientPackage { get; private set; } = "";

    public string RuntimePackage { get; private set; } = "";

    public string PostgreSqlPackage { get; private set; } = "";

    public string OpenApiPackage { get; private set; } = "";

    /// <summary>A web app that describes its streams, with <c>dotnet add package TypedSse.OpenApi</c> and nothing else.</summary>
    public string DescribedDirectory => Path.Combine(Root, "FreshDescribed");

    public string DescribedAssembly => Path.Combine(DescribedDirectory, "bin", "Release", "net10.0", "FreshDescribed.dll");

    public string DescribedBuildOutput { get; private set; } = "";

    /// <summary>The described app: its streams in the OpenAPI document (Microsoft.AspNetCore.OpenApi's) and in the AsyncAPI one.</summary>
    public const string DescribedProgram = """
        using FreshApp;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddTypedSse();
        builder.Services.AddOpenApi(options => options.AddEventStreams());
        var app = builder.Build();
        app.MapChatEvents();
        app.MapEventStreams("/events");
        app.MapOpenApi();
        app.MapAsyncApiDocument();
        app.Run();
        """;

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-packages"),
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        // Keep any Directory.Build.props above the temporary folder out of the user's project.
        await File.WriteAllTextAsync(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        await File.WriteAllTextAsync(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");

        QuickstartOutput = await DotNet.RunProgramAsync("bash", DotNet.RepositoryRoot, Environment, "-c", QuickstartScript());
        ProjectDirectory = QuickstartOutput.TrimEnd().Split('\n')[^1].Trim();
        Assert.True(File.Exists(Path.Combine(ProjectDirectory, Path.GetFileName(ProjectDirectory) + ".csproj")),
            $"The README's commands did not leave a project in {ProjectDirectory}:\n{QuickstartOutput}");

        // The backplane's package, which the README packs in its own section.
        await DotNet.RunAsync(DotNet.RepositoryRoot, Environment,
            "pack", "src/TypedSse.PostgreSql", "-c", DotNet.Configuration, "--no-build", "-o", Feed, "-nologo");
        RuntimePackage = Directory.GetFiles(Feed, "TypedSse.Runtime.*.nupkg").Single();
        ClientPackage = Directory.GetFiles(Feed, "TypedSse.Client.*.nupkg").Single();
        PostgreSqlPackage = Directory.GetFiles(Feed, "TypedSse.PostgreSql.*.nupkg").Single();
        await DotNet.RunAsync(DotNet.RepositoryRoot, Environment,
            "pack", "src/TypedSse.OpenApi", "-c", DotNet.Configuration, "--no-build", "-o", Feed, "-nologo");
        OpenApiPackage = Directory.GetFiles(Feed, "TypedSse.OpenApi.*.nupkg").Single();

        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "Contracts.cs"), Readme.Block("say in `Contracts.cs`:", "csharp"));
        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "Program.cs"), Readme.Block("in `Program.cs`:", "csharp"));
        BuildOutput = await DotNet.RunAsync(ProjectDirectory, Environment, "build", "-c", "Release", "-nologo");

        await DotNet.RunAsync(Root, Environment, "new", "console", "-o", "FreshConsole", "--no-restore");
        await DotNet.RunAsync(ConsoleDirectory, Environment, "add", "package", "TypedSse.Client", "--version", PackageVersion(ClientPackage, "TypedSse.Client"));
        await File.WriteAllTextAsync(Path.Combine(ConsoleDirectory, "Contracts.cs"), Contract + "\n");
        await File.WriteAllTextAsync(Path.Combine(ConsoleDirectory, "Program.cs"), ConsoleProgram + "\n");
        ConsoleBuildOutput = await DotNet.RunAsync(ConsoleDirectory, Environment, "build", "-c", "Release", "-nologo");

        // Microsoft.AspNetCore.OpenApi comes with TypedSse.OpenApi; its XML comment generator's interceptors need the
        // InterceptorsNamespaces its build targets set, in the app that compiles them (CS9137 without).
        await DotNet.RunAsync(Root, Environment, "new", "web", "-o", "FreshDescribed", "--no-restore");
        await DotNet.RunAsync(DescribedDirectory, Environment, "new", "nugetconfig");
        await DotNet.RunAsync(DescribedDirectory, Environment, "nuget", "add", "source", Feed, "--name", "typedsse-described", "--configfile", "nuget.config");
        await DotNet.RunAsync(DescribedDirectory, Environment, "add", "package", "TypedSse.OpenApi", "--version", PackageVersion(OpenApiPackage, "TypedSse.OpenApi"));
        await File.WriteAllTextAsync(Path.Combine(DescribedDirectory, "Contracts.cs"), Contract + "\n");
        await File.WriteAllTextAsync(Path.Combine(DescribedDirectory, "Program.cs"), DescribedProgram + "\n");
        DescribedBuildOutput = await DotNet.RunAsync(DescribedDirectory, Environment, "build", "-c", "Release", "-nologo");

        // A page where the README says it goes.
        Directory.CreateDirectory(Path.Combine(ProjectDirectory, "wwwroot"));
        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "wwwroot", "index.html"), Page);
    }

    public const string Page = "<!doctype html><title>Chat</title><script type=\"module\" src=\"js/app.js\"></script>\n";

    /// <summary>
    /// The README's quickstart commands as a bash script, started in the clone: <c>~</c> is the temporary folder, the
    /// packs use the build the tests run after (<c>--no-build</c>), and the script ends by printing the folder it is in.
    /// </summary>
    private string QuickstartScript()
    {
        var lines = Readme.Block("folder as a package source:", "sh").Split('\n')
            .Select(static line => line.Trim())
            .Where(static line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Replace("~/", Root + "/", StringComparison.Ordinal))
            .Select(line => line.StartsWith("dotnet pack ", StringComparison.Ordinal) ? line + " --no-build -nologo" : line);
        return string.Join("\n", ["set -euo pipefail", .. lines, "pwd"]) + "\n";
    }

    private static string PackageVersion(string package, string id) => Path.GetFileNameWithoutExtension(package)[(id.Length + 1)..];

    public static IReadOnlyList<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(entry => entry.FullName).ToArray();
    }

    public static string Read(string package, string entry)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    public static string Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        return reader.ReadToEnd();
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process that still holds a file; the folder is in the temporary directory.
        }
        return Task.CompletedTask;
    }
}
