using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TypedSse.Benchmarks.Generator;

/// <summary>
/// The generator as an IDE runs it, on a project of 100 contracts with 10 events each (one file per contract, with
/// its payload records): a warm full run (a new driver on the compilation, the JIT already warm), and the run after
/// an unrelated edit (a class added in another file) on a driver that has seen the project before.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    public const int Contracts = 100;
    public const int EventsPerContract = 10;

    private static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);

    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _warmDriver = null!;
    private SyntaxTree _unrelated = null!;
    private int _edit;

    [GlobalSetup]
    public void Setup()
    {
        _compilation = Project();
        _unrelated = CSharpSyntaxTree.ParseText("namespace Bench.Other { public sealed class Unrelated0 { } }", ParseOptions, path: "Unrelated.cs");
        _compilation = _compilation.AddSyntaxTrees(_unrelated);
        var diagnostics = _compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (diagnostics.Count > 0)
        {
            throw new InvalidOperationException("The benchmark project does not compile:\n" + string.Join("\n", diagnostics.Take(10)));
        }

        var result = NewDriver().RunGenerators(_compilation).GetRunResult();
        if (result.Diagnostics.Length > 0 || result.Results[0].Exception is not null || result.GeneratedTrees.Length != Contracts + 1)
        {
            throw new InvalidOperationException($"The generator did not run cleanly: {result.GeneratedTrees.Length} files, {string.Join("\n", result.Diagnostics)} {result.Results[0].Exception}");
        }

        _warmDriver = NewDriver().RunGenerators(_compilation);
    }

    // Each run gets a compilation object of its own, as after an edit, so that no symbol an earlier run bound is cached
    // in it: the runs pay for binding the contracts and payload types, as a generator does after every edit.
    private Compilation _next = null!;

    [IterationSetup]
    public void NewCompilation() => _next = NextCompilation();

    [Benchmark(Description = "full run, 100 contracts x 10 events")]
    public GeneratorDriver FullRun() => NewDriver().RunGenerators(_next);

    [Benchmark(Description = "unrelated edit (a class added in another file)")]
    public GeneratorDriver UnrelatedEdit() => _warmDriver = _warmDriver.RunGenerators(_next);

    // The project with the unrelated class edited (renamed), in a new compilation object.
    private Compilation NextCompilation()
    {
        _edit++;
        var edited = CSharpSyntaxTree.ParseText($"namespace Bench.Other {{ public sealed class Unrelated{_edit} {{ }} }}", ParseOptions, path: "Unrelated.cs");
        _compilation = _compilation.ReplaceSyntaxTree(_unrelated, edited);
        _unrelated = edited;
        return _compilation;
    }

    /// <summary>Where the time of one unrelated edit goes, by pipeline step (for --quick).</summary>
    public string EditSteps()
    {
        var driver = NewDriver(track: true).RunGenerators(_compilation);
        var full = driver.GetRunResult().Results[0];
        var edit = driver.RunGenerators(NextCompilation()).GetRunResult().Results[0];
        return "full run: " + Steps(full) + "\nunrelated edit: " + Steps(edit);

        static string Steps(GeneratorRunResult result) => string.Join(", ", result.TrackedSteps.Concat(result.TrackedOutputSteps)
            .Select(static s => (s.Key, Ms: s.Value.Sum(static r => r.ElapsedTime.TotalMilliseconds)))
            .Where(static s => s.Ms >= 0.1)
            .Select(static s => $"{s.Key} {s.Ms:F1} ms"));
    }

    private static GeneratorDriver NewDriver(bool track = false) =>
        CSharpGeneratorDriver.Create([new TypedSse.Generator.EventStreamGenerator().AsSourceGenerator()], parseOptions: ParseOptions, driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    private static CSharpCompilation Project()
    {
        const string shared = """
            using System.Collections.Generic;
            namespace Bench.Shared;
            public sealed record Page<T>(IReadOnlyList<T> Items, int Total, string? Next);
            public enum Status { Open, Closed }
            public sealed record Address(string Street, string City, Address? Previous);
            """;
        var trees = Enumerable.Range(0, Contracts).Select(static i => CSharpSyntaxTree.ParseText(Contract(i), ParseOptions, path: $"Contract{i}.cs"))
            .Append(CSharpSyntaxTree.ParseText(shared, ParseOptions, path: "Shared.cs"));
        return CSharpCompilation.Create(
            "Bench",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    // Each contract has its own payload types, shared ones (a generic page, an enum, a nested record) and every kind
    // of parameter list: none, one primitive, one record, several values.
    private static string Contract(int i)
    {
        var source = new StringBuilder();
        source.AppendLine("using System; using System.Collections.Generic; using System.Threading.Tasks; using System.Text.Json.Serialization; using TypedSse;");
        source.AppendLine($"namespace Bench.Area{i};");
        source.AppendLine($"[EventStream(\"/area{i}/rooms/{{room}}/{{page:int}}\")]");
        source.AppendLine($"public interface IArea{i}Events");
        source.AppendLine("{");
        for (var e = 0; e < EventsPerContract; e++)
        {
            source.AppendLine((e % 4) switch
            {
                0 => $"    /// <summary>Event {e}.</summary>\n    Task Changed{e}(Item{e} item);",
                1 => $"    Task Counted{e}(int count);",
                2 => $"    Task Moved{e}(string user, DateTimeOffset at, Bench.Shared.Status status);",
                _ => $"    Task Paged{e}(Bench.Shared.Page<Item{e - 3}> page);",
            });
        }

        source.AppendLine("}");
        for (var e = 0; e < EventsPerContract; e++)
        {
            source.AppendLine($"/// <summary>An item.</summary>\npublic sealed record Item{e}(Guid Id, string Title, [property: JsonPropertyName(\"t\")] List<string> Tags, Bench.Shared.Status Status, Bench.Shared.Address? Address, Dictionary<string, int> Counts);");
        }

        return source.ToString();
    }

    private static ImmutableArray<MetadataReference> References()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return trusted
            .Where(static path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"))
            .Append(typeof(TypedSse.EventStream).Assembly.Location)
            .Append(typeof(TypedSse.EventStreamAttribute).Assembly.Location)
            .Distinct()
            .Select(static path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
