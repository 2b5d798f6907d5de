using System.Runtime.CompilerServices;

namespace TypedSse.Generator.Tests.Infrastructure;

/// <summary>
/// Compares text with a checked-in baseline under <c>Baselines/</c>. Set <c>TYPEDSSE_UPDATE_GOLDEN=1</c> to rewrite
/// the baselines instead, then review the diff.
/// </summary>
internal static class Golden
{
    private static bool Update => Environment.GetEnvironmentVariable("TYPEDSSE_UPDATE_GOLDEN") is "1" or "true";

    public static void Verify(string relativePath, string actual)
    {
        var path = Path.Combine(BaselinesDirectory(), relativePath);
        actual = actual.Replace("\r\n", "\n");
        if (Update)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Missing baseline {path}. Run the tests with TYPEDSSE_UPDATE_GOLDEN=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected != actual)
        {
            Assert.Fail($"{relativePath} differs from its baseline. Run with TYPEDSSE_UPDATE_GOLDEN=1 and review the diff.\n{FirstDifference(expected, actual)}");
        }
    }

    /// <summary>The baselines of a folder that no test wrote, so a renamed or removed output leaves no stale file.</summary>
    public static IEnumerable<string> Existing(string folder)
    {
        var directory = Path.Combine(BaselinesDirectory(), folder);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory).Select(Path.GetFileName).Select(static name => name!)
            : [];
    }

    /// <summary>The text of a baseline.</summary>
    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(BaselinesDirectory(), relativePath)).Replace("\r\n", "\n");

    public static void Delete(string relativePath)
    {
        if (Update)
        {
            File.Delete(Path.Combine(BaselinesDirectory(), relativePath));
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
                return $"line {i + 1}:\n  expected: {e}\n  actual:   {a}";
            }
        }

        return string.Empty;
    }

    private static string BaselinesDirectory([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(path))!, "Baselines");
}
