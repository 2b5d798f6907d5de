using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Tests.Infrastructure;

/// <summary>Runs the generator over sources in a compilation that references .NET, ASP.NET Core and the TypedSse runtime.</summary>
internal static class GeneratorRunner
{
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithDocumentationMode(DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation CreateCompilation(params string[] sources) => CreateCompilation(ParseOptions, sources);

    public static CSharpCompilation CreateCompilation(CSharpParseOptions parseOptions, params string[] sources) =>
        CSharpCompilation.Create(
            "TestAssembly",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error));

    public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null) => CreateDriver(new EventStreamGenerator(), parseOptions);

    public static GeneratorDriver CreateDriver(EventStreamGenerator generator, CSharpParseOptions? parseOptions = null) =>
        CSharpGeneratorDriver.Create(
            [generator.AsSourceGenerator()],
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources) => Run(ParseOptions, sources);

    /// <summary>
    /// Runs the generator, then runs it again on a copy of the compilation and asserts that the second run reused
    /// every step and that no step output holds a Roslyn object: every test that runs the generator also proves its
    /// input cacheable.
    /// </summary>
    public static GeneratorRun Run(CSharpParseOptions parseOptions, params string[] sources)
    {
        var compilation = CreateCompilation(parseOptions, sources);
        var driver = CreateDriver(parseOptions).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        var run = new GeneratorRun(compilation, output, driver.GetRunResult(), driverDiagnostics);
        if (run.Generator.Exception is null)
        {
            Caching.AssertNoRoslynObjects(run.Generator);
            var second = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();
            Caching.AssertAllCachedOrUnchanged(second, requireEveryStep: false);
        }

        return run;
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The test process runs on the shared framework with ASP.NET Core, so its trusted assemblies are what a web
        // project compiles against.
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return trusted
            .Where(static path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"))
            .Append(typeof(EventStream).Assembly.Location)
            .Append(typeof(EventStreamAttribute).Assembly.Location)
            .Distinct()
            .Select(static path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}

internal sealed record GeneratorRun(Compilation Input, Compilation Output, GeneratorDriverRunResult Result, ImmutableArray<Diagnostic> DriverDiagnostics)
{
    public GeneratorRunResult Generator => Result.Results.Single();

    public ImmutableArray<GeneratedSourceResult> Sources => Generator.GeneratedSources;

    /// <summary>The diagnostics the generator reported, sorted by position.</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Generator.Diagnostics
        .OrderBy(static d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
        .ThenBy(static d => d.Location.SourceSpan.Start)
        .ToImmutableArray();

    public ImmutableArray<ContractModel> Contracts => Generator.TrackedSteps.GetValueOrDefault(TrackingNames.Contracts, [])
        .SelectMany(static step => step.Outputs)
        .Select(static output => (ContractModel)output.Value)
        .ToImmutableArray();

    /// <summary>The generated TypeScript files, as embedded in the assembly.</summary>
    public ImmutableArray<TypedSse.Generator.Emitting.TypeScript.TypeScriptFile> TypeScriptFiles => Generator.TrackedSteps.GetValueOrDefault(TrackingNames.TypeScript, [])
        .SelectMany(static step => step.Outputs)
        .SelectMany(static output => (TypedSse.Generator.Helpers.EquatableArray<TypedSse.Generator.Emitting.TypeScript.TypeScriptFile>)output.Value)
        .ToImmutableArray();

    /// <summary>The C# sources, without the file that carries the TypeScript (its files have baselines of their own).</summary>
    public IEnumerable<GeneratedSourceResult> CSharpSources => Sources.Where(static s => s.HintName != TypedSse.Generator.Emitting.TypeScript.TypeScriptCarrier.HintName);

    /// <summary>Errors and warnings of the compilation with the generated code, the generator's own included.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics => Output.GetDiagnostics()
        .Concat(Generator.Diagnostics)
        .Where(static d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError)
        .ToImmutableArray();
}
