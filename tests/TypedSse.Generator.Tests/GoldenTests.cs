using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.CodeAnalysis;
using TypedSse.Generator.Emitting.AsyncApi;
using TypedSse.Generator.Tests.Infrastructure;
using TypedSse.Testing;

namespace TypedSse.Generator.Tests;

/// <summary>The generated C# and the parsed model of each sample, against baselines; and the result compiles cleanly.</summary>
public sealed class GoldenTests
{
    private static readonly JsonSerializerOptions ModelJson = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static TheoryData<string> SampleNames => new(Samples.All.Keys);

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Generated_code_matches_baseline(string sample)
    {
        var run = GeneratorRunner.Run(Samples.All[sample]);

        var written = new HashSet<string>();
        foreach (var source in run.CSharpSources)
        {
            var file = source.HintName + ".txt";
            written.Add(file);
            Golden.Match(Path.Combine(sample, file), source.SourceText.ToString());
        }

        foreach (var contract in run.Contracts)
        {
            var file = contract.InterfaceName + ".model.json";
            written.Add(file);
            Golden.Match(Path.Combine(sample, file), JsonSerializer.Serialize(contract, ModelJson) + "\n");
        }

        foreach (var typeScript in run.TypeScriptFiles)
        {
            var file = typeScript.Path + ".txt";
            written.Add(file);
            Golden.Match(Path.Combine(sample, file), typeScript.Content);
        }

        if (run.AsyncApiDocument.Length > 0)
        {
            written.Add(AsyncApiEmitter.FileName);
            Golden.Match(Path.Combine(sample, AsyncApiEmitter.FileName), run.AsyncApiDocument);
        }

        foreach (var stale in Golden.Existing(sample).Where(file => !written.Contains(file)))
        {
            Golden.Delete(Path.Combine(sample, stale));
            Assert.Fail($"Baselines/{sample}/{stale} is no longer generated. Run with TYPEDSSE_UPDATE_GOLDEN=1 to remove it.");
        }
    }

    // The same baselines through Roslyn's testing library, which also accounts for every diagnostic of the
    // compilation: the generated C# is exactly the baseline, and nothing warns.
    [Theory]
    [MemberData(nameof(SampleNames))]
    public async Task Generated_sources_are_the_baselines_and_compile_without_diagnostics(string sample)
    {
        var test = new GeneratorTest().WithoutTypeScript();
        foreach (var source in Samples.All[sample])
        {
            test.TestState.Sources.Add(source);
        }
        foreach (var file in Golden.Existing(sample).Where(static f => f.EndsWith(".g.cs.txt", StringComparison.Ordinal)))
        {
            test.TestState.GeneratedSources.Add((typeof(EventStreamGenerator), file[..^".txt".Length], Golden.Read(Path.Combine(sample, file))));
        }
        if (Golden.Existing(sample).Contains(AsyncApiEmitter.FileName))
        {
            test.TestState.GeneratedSources.Add((typeof(EventStreamGenerator), AsyncApiCarrier.HintName, AsyncApiCarrier.Emit(Golden.Read(Path.Combine(sample, AsyncApiEmitter.FileName)))));
        }

        await test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Generated_code_compiles_without_warnings(string sample)
    {
        var run = GeneratorRunner.Run(Samples.All[sample]);

        Assert.Null(run.Generator.Exception?.ToString());
        Assert.Empty(run.GeneratorDiagnostics.Select(static d => d.ToString()));
        Assert.NotEmpty(run.Sources);
        Assert.Empty(run.DriverDiagnostics);
        Assert.Null(run.Generator.Exception);
        Assert.Empty(run.CompilationDiagnostics.Select(static d => d.ToString()));
    }

    [Theory]
    [InlineData(DocumentationMode.None)]
    [InlineData(DocumentationMode.Parse)]
    [InlineData(DocumentationMode.Diagnose)]
    public void Doc_comments_are_read_whether_or_not_the_project_builds_documentation(DocumentationMode mode)
    {
        var run = GeneratorRunner.Run(GeneratorRunner.ParseOptions.WithDocumentationMode(mode), Samples.Chat);

        var contract = Assert.Single(run.Contracts);
        Assert.Equal("What happens in a chat room.", contract.Documentation);
        Assert.Equal("A message was posted to the room.", contract.Events[0].Documentation);
        Assert.Equal("When they entered.", contract.Events[1].Parameters[1].Documentation);
        var message = contract.Types.Single(static t => t.Name == "ChatMessage");
        Assert.Equal("A message in a room.", message.Documentation);
        Assert.Equal("Who wrote it.", message.Properties[0].Documentation);
        Assert.Equal("Where the file is.", contract.Types.Single(static t => t.Name == "Attachment").Properties[0].Documentation);
    }

    [Fact]
    public void Several_contracts_in_one_project_compile_together()
    {
        var run = GeneratorRunner.Run(Samples.All.Values.SelectMany(static sources => sources).ToArray());

        Assert.Equal(6, run.Contracts.Length);
        Assert.Empty(run.CompilationDiagnostics.Select(static d => d.ToString()));
    }
}
