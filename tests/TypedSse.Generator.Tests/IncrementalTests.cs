using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedSse.Generator.Tests.Infrastructure;

namespace TypedSse.Generator.Tests;

/// <summary>Unrelated edits regenerate nothing, and no pipeline step holds on to Roslyn objects.</summary>
public sealed class IncrementalTests
{
    [Fact]
    public void Running_twice_reuses_every_step()
    {
        var compilation = GeneratorRunner.CreateCompilation(Samples.Chat, Samples.Shapes, Samples.Shape);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var second = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();

        Caching.AssertAllCachedOrUnchanged(second);
        Caching.AssertNoSourceRegenerated(second);
    }

    [Fact]
    public void Adding_an_unrelated_type_regenerates_nothing()
    {
        var compilation = GeneratorRunner.CreateCompilation(Samples.Chat, Samples.Shapes, Samples.Shape);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public sealed class Unrelated { public int Value { get; set; } }", GeneratorRunner.ParseOptions, path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Caching.AssertAllCachedOrUnchanged(result);
        Caching.AssertNoSourceRegenerated(result);
    }

    [Fact]
    public void Editing_a_method_body_in_the_contract_file_regenerates_nothing()
    {
        var compilation = GeneratorRunner.CreateCompilation(Samples.Chat);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var text = tree.GetText().ToString().Replace("await chat.All.UserJoined(\"ada\"", "await chat.All.UserJoined(\"grace\"");
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text)));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Caching.AssertAllCachedOrUnchanged(result);
        Caching.AssertNoSourceRegenerated(result);
    }

    [Fact]
    public void Changing_a_payload_type_regenerates_its_contract()
    {
        var compilation = GeneratorRunner.CreateCompilation(Samples.Chat);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var text = tree.GetText().ToString().Replace("public long Size { get; init; }", "public long Size { get; init; }\n    public string? Name { get; init; }");
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text))))
            .GetRunResult().Results.Single();

        var contracts = result.TrackedSteps[TrackingNames.Contracts].SelectMany(static s => s.Outputs);
        Assert.Contains(contracts, static output => output.Reason == IncrementalStepRunReason.Modified);
        var asyncApi = Assert.Single(result.TrackedSteps[TrackingNames.AsyncApi].SelectMany(static s => s.Outputs));
        Assert.Equal(IncrementalStepRunReason.Modified, asyncApi.Reason);
        Assert.Contains("\"name\": {", (string)asyncApi.Value);
    }

    [Fact]
    public void Changing_the_project_settings_does_not_regenerate_the_AsyncAPI_document()
    {
        var compilation = GeneratorRunner.CreateCompilation(Samples.Chat);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var result = driver.RunGenerators(compilation.WithOptions(compilation.Options.WithOptimizationLevel(OptimizationLevel.Release)))
            .GetRunResult().Results.Single();

        var asyncApi = Assert.Single(result.TrackedSteps[TrackingNames.AsyncApi].SelectMany(static s => s.Outputs));
        Assert.True(asyncApi.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{asyncApi.Reason}");
    }

    [Fact]
    public void Step_outputs_hold_no_symbols_syntax_or_compilations()
    {
        var run = GeneratorRunner.Run(Samples.All.Values.SelectMany(static sources => sources).ToArray());

        Caching.AssertNoRoslynObjects(run.Generator);
    }
}
