namespace TypedSse.App.Tests;

/// <summary>
/// A project of tests/ published with <c>PublishAot=true</c> for this machine, once per test class, into a temporary
/// folder. Its native compile starts afresh: an up-to-date publish would skip the AOT compiler and print none of its warnings.
/// </summary>
public abstract partial class NativeAotPublish(string projectName) : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"typedsse-aot-{Guid.NewGuid():N}");

    public string Executable => Path.Combine(Directory, projectName);

    /// <summary>What <c>dotnet publish</c> printed.</summary>
    public string Output { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var project = Path.Combine(DotNet.RepositoryRoot, "tests", projectName);
        // The runtime-specific intermediate folder is the publish's own; the solution build uses obj/<configuration>/net10.0.
        var intermediate = Path.Combine(project, "obj", DotNet.Configuration, "net10.0", AppProcess.RuntimeId);
        if (System.IO.Directory.Exists(intermediate))
        {
            System.IO.Directory.Delete(intermediate, recursive: true);
        }

        // The solution build restored the app for this runtime and built what it references; publish only the app.
        Output = await DotNet.RunAsync(project, "publish", projectName + ".csproj", "-c", DotNet.Configuration, "-r", AppProcess.RuntimeId,
            "--no-restore", "-p:BuildProjectReferences=false", "-o", Directory, "-nologo");
    }

    /// <summary>
    /// Asserts that the publish ran the AOT compiler, printed no trim or AOT warning and wrote a native executable
    /// without a managed entry assembly beside it.
    /// </summary>
    public void AssertNativeWithoutWarnings()
    {
        Assert.Contains("Generating native code", Output);
        Assert.Empty(TrimOrAotDiagnostic().Matches(Output).Select(static m => m.Value));
        Assert.True(File.Exists(Executable), $"The publish wrote no native executable at {Executable}.");
        Assert.False(File.Exists(Executable + ".dll"));
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

    // IL2xxx are trim analysis warnings, IL3xxx AOT analysis warnings, as warnings or as errors.
    [System.Text.RegularExpressions.GeneratedRegex(@"\b(warning|error) IL[23]\d{3}\b.*")]
    private static partial System.Text.RegularExpressions.Regex TrimOrAotDiagnostic();
}

/// <summary>tests/TypedSse.TestApp, natively: the server with a generated contract, the runtime and the PostgreSQL backplane.</summary>
public sealed class TestAppPublish() : NativeAotPublish("TypedSse.TestApp");

/// <summary>tests/TypedSse.ConsoleClient, natively: a console app that receives with the typed .NET client.</summary>
public sealed class ConsoleClientPublish() : NativeAotPublish("TypedSse.ConsoleClient");
