using System.Runtime.CompilerServices;

namespace TypedSse.Runtime.Tests.Infrastructure;

/// <summary>Compares output with a checked-in file under Golden/. Set TYPEDSSE_UPDATE_GOLDEN=1 to rewrite the files.</summary>
public static class Golden
{
    public static void Match(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.Combine(FindProjectDirectory(callerPath), "Golden");
        var path = Path.Combine(directory, name);
        if (Environment.GetEnvironmentVariable("TYPEDSSE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"Golden file {path} is missing; run the tests with TYPEDSSE_UPDATE_GOLDEN=1 to create it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static string FindProjectDirectory(string callerPath)
    {
        var directory = new DirectoryInfo(Path.GetDirectoryName(callerPath)!);
        while (directory is not null && !directory.EnumerateFiles("*.csproj").Any())
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"No project directory above {callerPath}.");
    }
}
