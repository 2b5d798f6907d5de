using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSse.Generator.Tests.Infrastructure;
using TypedSse.Testing;

namespace TypedSse.Generator.Tests;

/// <summary>
/// The .NET client the generator emits for each sample (with <c>TypedSseDotNetClient</c> set), against baselines in
/// Baselines/DotNetClient/; the result compiles without a warning; and which compilations get which C#.
/// </summary>
public sealed class DotNetClientGoldenTests
{
    private const string ClientSuffix = ".EventStreamClient.g.cs";

    public static TheoryData<string> SampleNames => new(Samples.All.Keys);

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Generated_client_matches_baseline_and_compiles(string sample)
    {
        var (output, result) = Run(GeneratorRunner.CreateCompilation(Samples.All[sample]), dotNetClient: true);

        var folder = Path.Combine("DotNetClient", sample);
        var written = new HashSet<string>();
        foreach (var source in result.GeneratedSources.Where(static s => s.HintName.EndsWith(ClientSuffix, StringComparison.Ordinal)))
        {
            written.Add(source.HintName + ".txt");
            Golden.Match(Path.Combine(folder, source.HintName + ".txt"), source.SourceText.ToString());
        }

        Assert.NotEmpty(written);
        foreach (var stale in Golden.Existing(folder).Where(file => !written.Contains(file)))
        {
            Golden.Delete(Path.Combine(folder, stale));
            Assert.Fail($"Baselines/{folder}/{stale} is no longer generated. Run with TYPEDSSE_UPDATE_GOLDEN=1 to remove it.");
        }

        var problems = output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void A_server_compilation_gets_no_client_unless_asked()
    {
        var (_, result) = Run(GeneratorRunner.CreateCompilation(Samples.Chat), dotNetClient: false);

        Assert.Contains(result.GeneratedSources, static s => s.HintName.EndsWith(".EventStream.g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(result.GeneratedSources, static s => s.HintName.EndsWith(ClientSuffix, StringComparison.Ordinal));
    }

    [Fact]
    public void A_compilation_with_the_client_but_not_the_runtime_gets_the_client_only()
    {
        const string contract = """
            #pragma warning disable CS1591
            using System.Threading.Tasks;
            using TypedSse;

            namespace Console.Contracts;

            [EventStream("/rooms/{room}/events")]
            public interface IChatEvents
            {
                Task MessagePosted(ChatMessage message);
                Task Typing(string user);
            }

            public sealed record ChatMessage(string User, string Text);
            """;
        var references = GeneratorRunner.References.Where(static r =>
            Path.GetFileName(r.Display) is { } name && !name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) && name != "TypedSse.Runtime.dll");
        var compilation = CSharpCompilation.Create("ConsoleApp",
            [CSharpSyntaxTree.ParseText(contract, GeneratorRunner.ParseOptions, path: "Contracts.cs")],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var (output, result) = Run(compilation, dotNetClient: false);

        Assert.Contains(result.GeneratedSources, static s => s.HintName.EndsWith(ClientSuffix, StringComparison.Ordinal));
        Assert.DoesNotContain(result.GeneratedSources, static s => s.HintName.EndsWith(".EventStream.g.cs", StringComparison.Ordinal));
        var problems = output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static (Compilation Output, GeneratorRunResult Result) Run(Compilation compilation, bool dotNetClient)
    {
        var options = new BuildProperties(dotNetClient ? ImmutableDictionary<string, string>.Empty.Add("build_property.TypedSseDotNetClient", "true") : ImmutableDictionary<string, string>.Empty);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new EventStreamGenerator().AsSourceGenerator()],
            parseOptions: GeneratorRunner.ParseOptions,
            optionsProvider: options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Caching.AssertNoRoslynObjects(result);
        Caching.AssertAllCachedOrUnchanged(driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single(), requireEveryStep: false);
        return (output, result);
    }

    private sealed class BuildProperties(ImmutableDictionary<string, string> values) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _options = new(values);

        public override AnalyzerConfigOptions GlobalOptions => _options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
