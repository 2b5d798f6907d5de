using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedSse.Generator.Tests.Infrastructure;

namespace TypedSse.Generator.Tests;

/// <summary>Unrelated edits regenerate nothing, and no pipeline step holds on to Roslyn objects.</summary>
public sealed class IncrementalTests
{
    private static readonly string[] TrackedSteps =
        [TrackingNames.ParseContracts, TrackingNames.Contracts, TrackingNames.Diagnostics, TrackingNames.StreamNames, TrackingNames.TypeScript];

    [Fact]
    public void Running_twice_reuses_every_step()
    {
        var compilation = GeneratorRunner.CreateCompilation(Samples.Chat, Samples.Shapes, Samples.Shape);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var second = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(second);
        AssertNoSourceRegenerated(second);
    }

    [Fact]
    public void Adding_an_unrelated_type_regenerates_nothing()
    {
        var compilation = GeneratorRunner.CreateCompilation(Samples.Chat, Samples.Shapes, Samples.Shape);
        var driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public sealed class Unrelated { public int Value { get; set; } }", GeneratorRunner.ParseOptions, path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result);
        AssertNoSourceRegenerated(result);
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

        AssertAllCachedOrUnchanged(result);
        AssertNoSourceRegenerated(result);
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
    }

    [Fact]
    public void Step_outputs_hold_no_symbols_syntax_or_compilations()
    {
        var run = GeneratorRunner.Run(Samples.All.Values.SelectMany(static sources => sources).ToArray());

        foreach (var name in TrackedSteps)
        {
            foreach (var step in run.Generator.TrackedSteps[name])
            {
                foreach (var (value, _) in step.Outputs)
                {
                    AssertNoRoslynObjects(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (var name in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(name), $"Step {name} did not run");
            foreach (var step in result.TrackedSteps[name])
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name} was {reason}");
                }
            }
        }
    }

    // Source is emitted from the Contracts step alone, so a cached contract is never re-emitted; the outputs that
    // report diagnostics see the new compilation but produce nothing new.
    private static void AssertNoSourceRegenerated(GeneratorRunResult result)
    {
        foreach (var output in result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static s => s.Outputs))
        {
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output step was {output.Reason}");
        }
    }

    private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
        {
            return;
        }

        var type = value.GetType();
        Assert.False(value is ISymbol, $"{path} holds a symbol ({type})");
        Assert.False(value is SyntaxNode, $"{path} holds a syntax node ({type})");
        Assert.False(value is Compilation, $"{path} holds a compilation ({type})");
        Assert.False(value is Location, $"{path} holds a Location ({type}); use LocationInfo");
        Assert.False(value is SemanticModel, $"{path} holds a semantic model ({type})");

        if (value is DiagnosticDescriptor)
        {
            return; // immutable and equatable, made once per id
        }

        if (value is IEnumerable enumerable)
        {
            var i = 0;
            foreach (var item in enumerable)
            {
                AssertNoRoslynObjects(item, $"{path}[{i++}]", visited);
            }

            return;
        }

        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}
