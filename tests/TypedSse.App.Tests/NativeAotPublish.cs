namespace TypedSse.App.Tests;

/// <summary>
/// The test app published with <c>PublishAot=true</c> for this machine, once per test run, into a temporary folder.
/// Its native compile starts afresh: an up-to-date publish would skip the AOT compiler and print none of its warnings.
/// </summary>
public sealed class NativeAotPublish : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"typedsse-aot-{Guid.NewGuid():N}");

    public string Executable => Path.Combine(Directory, "TypedSse.TestApp");

    /// <summary>What <c>dotnet publish</c> printed.</summary>
    public string Output { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var project = Path.Combine(DotNet.RepositoryRoot, "tests", "TypedSse.TestApp");
        // The runtime-specific intermediate folder is the publish's own; the solution build uses obj/<configuration>/net10.0.
        var intermediate = Path.Combine(project, "obj", DotNet.Configuration, "net10.0", AppProcess.RuntimeId);
        if (System.IO.Directory.Exists(intermediate))
        {
            System.IO.Directory.Delete(intermediate, recursive: true);
        }

        // The solution build restored the app for this runtime and built what it references; publish only the app.
        Output = await DotNet.RunAsync(project, "publish", "TypedSse.TestApp.csproj", "-c", DotNet.Configuration, "-r", AppProcess.RuntimeId,
            "--no-restore", "-p:BuildProjectReferences=false", "-o", Directory, "-nologo");
    }

    public Task DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process that still holds a file; the folder is in the temporary directory.
        }

        return Task.CompletedTask;
    }
}
