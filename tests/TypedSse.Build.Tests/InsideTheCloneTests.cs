namespace TypedSse.Build.Tests;

/// <summary>
/// An app created inside a clone of the repository (the README says to create it outside) must not change the
/// repository: the repository's Directory.Build.props and Directory.Packages.props, copied into a scratch folder,
/// stand for the clone's.
/// </summary>
public sealed class InsideTheCloneTests
{
    [Fact]
    public async Task A_project_created_inside_the_clone_fails_with_TYPEDSSE0001_and_leaves_the_central_package_versions_alone()
    {
        using var scratch = new ScratchFolder();
        foreach (var file in (string[])["Directory.Build.props", "Directory.Packages.props"])
        {
            File.Copy(Path.Combine(DotNet.RepositoryRoot, file), Path.Combine(scratch.Path, file));
        }
        var packages = File.ReadAllText(Path.Combine(scratch.Path, "Directory.Packages.props"));
        var app = Path.Combine(scratch.Path, "ChatApp");
        Directory.CreateDirectory(app);

        await DotNet.RunAsync(app, "new", "web", "--no-restore");
        // Without a restore, `dotnet add package` runs no target, so the guard cannot stop it: with central package
        // management off for such a project, the version goes into the project file instead of the repository's.
        await DotNet.RunAsync(app, "add", "package", "TypedSse.Example.NotAPackage", "--version", "1.2.3", "--no-restore");
        Assert.Equal(packages, File.ReadAllText(Path.Combine(scratch.Path, "Directory.Packages.props")));
        Assert.Contains("""<PackageReference Include="TypedSse.Example.NotAPackage" Version="1.2.3" />""", File.ReadAllText(Path.Combine(app, "ChatApp.csproj")));

        // A restore, a build or `dotnet add package` with its restore stops with the message saying where to create the app.
        var build = await DotNet.RunProgramAsync("bash", app, null, "-c", "dotnet build -nologo; echo \"exit code $?\"");
        Assert.Contains("error TYPEDSSE0001", build);
        Assert.Contains("Create your app outside the clone", build);
        Assert.Contains("exit code 1", build);
        Assert.Equal(packages, File.ReadAllText(Path.Combine(scratch.Path, "Directory.Packages.props")));
    }
}
