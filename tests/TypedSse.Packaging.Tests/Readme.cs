using System.Text.RegularExpressions;

namespace TypedSse.Packaging.Tests;

/// <summary>
/// The repository's README.md, read by the tests that follow it, so that a step or a code block that changes there
/// changes what the tests do, and one that stops working fails them.
/// </summary>
public static partial class Readme
{
    public static string Text { get; } = File.ReadAllText(Path.Combine(DotNet.RepositoryRoot, "README.md")).Replace("\r\n", "\n");

    /// <summary>The first fenced code block of <paramref name="language"/> after the first occurrence of <paramref name="marker"/>.</summary>
    public static string Block(string marker, string language)
    {
        var at = Text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"README.md no longer says \"{marker}\", which the test looks for.");
        var match = new Regex($@"^```{Regex.Escape(language)}\n(.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline).Match(Text, at);
        Assert.True(match.Success, $"README.md has no ```{language} block after \"{marker}\".");
        return match.Groups[1].Value;
    }

    /// <summary>The links of a markdown text: the target of each <c>[text](target)</c>.</summary>
    public static IReadOnlyList<string> Links(string markdown) =>
        LinkPattern().Matches(markdown).Select(static m => m.Groups[1].Value).ToArray();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkPattern();
}
