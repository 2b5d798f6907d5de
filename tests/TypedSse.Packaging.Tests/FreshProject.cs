using System.IO.Compression;

namespace TypedSse.Packaging.Tests;

/// <summary>
/// What a new user does, once for the test class: pack TypedSse into a local folder feed, <c>dotnet new web</c> in a
/// temporary folder, <c>dotnet add package TypedSse.Runtime</c> from that feed, write a contract and build (which
/// also writes the TypeScript client to ClientApp/generated/); and <c>dotnet new console</c> with only
/// <c>dotnet add package TypedSse.Client</c>, the same contract and a receiver of it. NuGet's package folder is a fresh one, so nothing
/// cached from earlier runs can hide a broken package.
/// </summary>
public sealed class FreshProject : IAsyncLifetime
{
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

    public const string Program = """
        using FreshApp;
        using TypedSse;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddTypedSse();
        var app = builder.Build();

        app.MapChatEvents();
        app.MapPost("/rooms/{room}/messages", (string room, ChatMessage message, IEventStream<IChatEvents> chat) =>
            chat.Route(room).MessagePosted(message));

        app.Run();
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

    public string Feed => Path.Combine(Root, "feed");

    public string ProjectDirectory => Path.Combine(Root, "FreshApp");

    public string BuildOutput { get; private set; } = "";

    public string ConsoleDirectory => Path.Combine(Root, "FreshConsole");

    public string ConsoleBuildOutput { get; private set; } = "";

    public string ClientPackage { get; private set; } = "";

    public string RuntimePackage { get; private set; } = "";

    public string PostgreSqlPackage { get; private set; } = "";

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        // Keep any Directory.Build.props above the temporary folder out of the user's project.
        await File.WriteAllTextAsync(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        await File.WriteAllTextAsync(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);

        foreach (string project in (string[])["src/TypedSse.Client", "src/TypedSse.Runtime", "src/TypedSse.PostgreSql"])
        {
            await DotNet.RunAsync(DotNet.RepositoryRoot, Environment,
                "pack", project, "-c", DotNet.Configuration, "--no-build", "-o", Feed, "-nologo");
        }
        RuntimePackage = Directory.GetFiles(Feed, "TypedSse.Runtime.*.nupkg").Single();
        ClientPackage = Directory.GetFiles(Feed, "TypedSse.Client.*.nupkg").Single();
        PostgreSqlPackage = Directory.GetFiles(Feed, "TypedSse.PostgreSql.*.nupkg").Single();
        string version = Path.GetFileNameWithoutExtension(RuntimePackage)["TypedSse.Runtime.".Length..];

        await DotNet.RunAsync(Root, Environment, "new", "web", "-o", "FreshApp", "--no-restore");
        await DotNet.RunAsync(ProjectDirectory, Environment, "add", "package", "TypedSse.Runtime", "--version", version);
        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "Contracts.cs"), Contract + "\n");
        await File.WriteAllTextAsync(Path.Combine(ProjectDirectory, "Program.cs"), Program + "\n");
        BuildOutput = await DotNet.RunAsync(ProjectDirectory, Environment, "build", "-c", "Release", "-nologo");

        await DotNet.RunAsync(Root, Environment, "new", "console", "-o", "FreshConsole", "--no-restore");
        await DotNet.RunAsync(ConsoleDirectory, Environment, "add", "package", "TypedSse.Client", "--version", version);
        await File.WriteAllTextAsync(Path.Combine(ConsoleDirectory, "Contracts.cs"), Contract + "\n");
        await File.WriteAllTextAsync(Path.Combine(ConsoleDirectory, "Program.cs"), ConsoleProgram + "\n");
        ConsoleBuildOutput = await DotNet.RunAsync(ConsoleDirectory, Environment, "build", "-c", "Release", "-nologo");
    }

    public static IReadOnlyList<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(entry => entry.FullName).ToArray();
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
