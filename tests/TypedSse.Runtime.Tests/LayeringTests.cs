using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace TypedSse.Runtime.Tests;

/// <summary>
/// The folders of src/TypedSse.Runtime are layers: a file may use the types of a folder of a lower layer only. The
/// scan reads the sources (comments and literals removed), finds the types each folder declares, and reports every
/// file that names a type of its own layer's other folders or of a layer above.
/// </summary>
public partial class LayeringTests
{
    /// <summary>The layers, lowest first. Folders on one line are peers: neither may use the other.</summary>
    private static readonly string[][] Layers =
    [
        ["Diagnostics"],            // logging, metrics, printable values: usable from anywhere
        ["Framing"],                // the text/event-stream bytes and payload encoding
        ["Events"],                 // the small shared values: StreamEvent, EventAudience, EventDraft
        ["Connections", "History"], // one client's queue and writer; the retained events of each stream
        ["Streams"],                // named streams: publish, fan out, read history
        ["Contracts"],              // typed senders over streams
        ["Hosting"],                // endpoints, options, services, keep-alive
    ];

    /// <summary>
    /// Edges the public API forces, each with its reason. Keep this short: an entry here is a back edge.
    /// </summary>
    private static readonly (string File, string Type, string Reason)[] Allowed =
    [
        ("Events/EventAudience.cs", "EventStreamConnection",
            "EventAudience.Predicate and EventAudience.Includes take the connection in the public API."),
    ];

    [Fact]
    public void Every_folder_uses_only_the_layers_below_it()
    {
        var violations = FindViolations(ReadSources());
        Assert.True(violations.Count == 0, "Dependencies that run upward:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Every_allowed_back_edge_is_still_needed()
    {
        var sources = ReadSources();
        foreach (var (file, type, _) in Allowed)
        {
            Assert.True(sources.TryGetValue(file, out var text) && Identifiers(text).Contains(type),
                $"{file} no longer uses {type}; remove the entry from LayeringTests.Allowed.");
        }
    }

    [Fact]
    public void The_scan_reports_an_upward_use_and_ignores_comments_and_strings()
    {
        var sources = new Dictionary<string, string>
        {
            ["Framing/Low.cs"] = """
                namespace TypedSse.Framing;
                /// <see cref="High"/>
                internal static class Low { const string Name = "High"; static int Use() => High.Value; }
                """,
            ["Hosting/High.cs"] = "namespace TypedSse.Hosting; internal static class High { public const int Value = 1; }",
            ["Connections/Peer.cs"] = "namespace TypedSse.Connections; internal sealed record Peer(Other O); // High",
            ["History/Other.cs"] = "namespace TypedSse.History; internal readonly record struct Other(int A);",
        };

        var violations = FindViolations(sources);

        Assert.Equal(
            [
                "Connections/Peer.cs (Connections) uses Other from History (a peer of Connections)",
                "Framing/Low.cs (Framing) uses High from Hosting (a higher layer)",
            ],
            violations);
    }

    [Fact]
    public void Every_folder_of_the_runtime_is_in_the_table()
    {
        var known = Layers.SelectMany(layer => layer).ToHashSet();
        var unknown = ReadSources().Keys.Select(FolderOf).Where(folder => !known.Contains(folder)).Distinct().ToList();
        Assert.True(unknown.Count == 0, $"Folders missing from LayeringTests.Layers: {string.Join(", ", unknown)}. Give each its layer.");
    }

    private static List<string> FindViolations(IReadOnlyDictionary<string, string> sources)
    {
        var rank = new Dictionary<string, int>();
        for (int i = 0; i < Layers.Length; i++)
        {
            foreach (var folder in Layers[i])
            {
                rank[folder] = i;
            }
        }

        var declaredIn = new Dictionary<string, string>();
        foreach (var (path, text) in sources)
        {
            foreach (Match match in Declaration().Matches(Strip(text)))
            {
                declaredIn.TryAdd(match.Groups["name"].Value, FolderOf(path));
            }
        }

        var violations = new List<string>();
        foreach (var (path, text) in sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            string folder = FolderOf(path);
            if (!rank.TryGetValue(folder, out int own))
            {
                continue;
            }
            foreach (var name in Identifiers(text).Order(StringComparer.Ordinal))
            {
                if (!declaredIn.TryGetValue(name, out var target) || target == folder || !rank.TryGetValue(target, out int theirs)
                    || theirs < own || Allowed.Any(a => a.File == path && a.Type == name))
                {
                    continue;
                }
                violations.Add($"{path} ({folder}) uses {name} from {target} ({(theirs == own ? $"a peer of {folder}" : "a higher layer")})");
            }
        }
        return violations;
    }

    private static HashSet<string> Identifiers(string text) =>
        Identifier().Matches(Strip(text)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    private static string FolderOf(string path) => path.Contains('/') ? path[..path.IndexOf('/')] : "(root)";

    /// <summary>Removes comments, string and character literals, so that only code is scanned.</summary>
    private static string Strip(string text) => CommentOrLiteral().Replace(text, " ");

    private static Dictionary<string, string> ReadSources([CallerFilePath] string testPath = "")
    {
        var directory = new DirectoryInfo(Path.GetDirectoryName(testPath)!);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "src", "TypedSse.Runtime")))
        {
            directory = directory.Parent;
        }
        var root = Path.Combine(directory?.FullName ?? throw new InvalidOperationException($"No src/TypedSse.Runtime above {testPath}."), "src", "TypedSse.Runtime");
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(file => !IsBuildOutput(Path.GetRelativePath(root, file)))
            .ToDictionary(file => Path.GetRelativePath(root, file).Replace('\\', '/'), File.ReadAllText);
    }

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || relativePath.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record(?:\s+(?:struct|class))?)\s+(?<name>[A-Za-z_]\w*)|\bdelegate\s+[\w<>\[\]?,. ]+?\s(?<name>[A-Za-z_]\w*)\s*[<(]")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\b[A-Za-z_]\w*\b")]
    private static partial Regex Identifier();

    // Line and block comments; raw, verbatim, interpolated and plain strings (interpolation holes are dropped with
    // them, which only hides uses inside holes); character literals.
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""""""[\s\S]*?""""""|\$?@""(?:[^""]|"""")*""|\$?""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)+'", RegexOptions.Singleline)]
    private static partial Regex CommentOrLiteral();
}
