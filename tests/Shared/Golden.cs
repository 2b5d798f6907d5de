using System.Runtime.CompilerServices;

namespace TypedSse.Testing;

/// <summary>
/// Compares text with a checked-in baseline under the calling test project's <c>Baselines/</c> folder, byte for byte.
/// Run the tests with <c>TYPEDSSE_UPDATE_GOLDEN=1</c> to rewrite the baselines instead, then review the diff.
/// </summary>
public static class Golden
{
    public const string UpdateSwitch = "TYPEDSSE_UPDATE_GOLDEN";

    public static bool Updating { get; } = Environment.GetEnvironmentVariable(UpdateSwitch) is "1";

    /// <summary>Fails unless <paramref name="actual"/> equals the baseline at <paramref name="relativePath"/>; writes it when updating.</summary>
    public static void Match(string relativePath, string actual, [CallerFilePath] string callerPath = "")
    {
        var path = Path.Combine(BaselinesDirectory(callerPath), relativePath);
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"The baseline {path} is missing. Run the tests with {UpdateSwitch}=1 to create it.");
        var expected = File.ReadAllText(path);
        if (expected != actual)
        {
            Assert.Fail($"{relativePath} differs from its baseline. Run the tests with {UpdateSwitch}=1 and review the diff.\n{FirstDifference(expected, actual)}");
        }
    }

    /// <summary>The names of the baselines in a folder, so a test can find the ones it no longer writes.</summary>
    public static IEnumerable<string> Existing(string folder, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.Combine(BaselinesDirectory(callerPath), folder);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory).Select(static file => Path.GetFileName(file))
            : [];
    }

    /// <summary>The text of a baseline, for a test that hands it to another comparer.</summary>
    public static string Read(string relativePath, [CallerFilePath] string callerPath = "") =>
        File.ReadAllText(Path.Combine(BaselinesDirectory(callerPath), relativePath));

    /// <summary>Removes a stale baseline when updating; does nothing otherwise, so the test that found it fails.</summary>
    public static void Delete(string relativePath, [CallerFilePath] string callerPath = "")
    {
        if (Updating)
        {
            File.Delete(Path.Combine(BaselinesDirectory(callerPath), relativePath));
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : "<end>";
            var a = i < actualLines.Length ? actualLines[i] : "<end>";
            if (e != a)
            {
                return $"line {i + 1}:\n  expected: {Printable(e)}\n  actual:   {Printable(a)}";
            }
        }

        return string.Empty;
    }

    // A carriage return or other control character would otherwise be invisible in the failure message.
    private static string Printable(string line) =>
        string.Concat(line.Select(static c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    // The baselines sit beside the test sources, not in the build output, so an update rewrites the checked-in files.
    private static string BaselinesDirectory(string callerPath)
    {
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(callerPath)!); directory is not null; directory = directory.Parent)
        {
            if (directory.EnumerateFiles("*.csproj").Any())
            {
                return Path.Combine(directory.FullName, "Baselines");
            }
        }

        throw new InvalidOperationException($"No test project folder holds {callerPath}.");
    }
}
