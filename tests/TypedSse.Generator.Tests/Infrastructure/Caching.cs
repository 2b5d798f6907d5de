using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace TypedSse.Generator.Tests.Infrastructure;

/// <summary>The checks that a generator run can be cached: the model of NetEscapades' RunGeneratorAndAssertOutput.</summary>
internal static class Caching
{
    private static readonly string[] TrackedSteps =
    [
        TrackingNames.ParseContracts, TrackingNames.Contracts, TrackingNames.Diagnostics, TrackingNames.StreamNames,
        TrackingNames.NamedContracts, TrackingNames.TypeScript, TrackingNames.AsyncApi,
    ];

    /// <summary>Every tracked step's outputs were Cached or Unchanged; with <paramref name="requireEveryStep"/>, every step ran.</summary>
    public static void AssertAllCachedOrUnchanged(GeneratorRunResult result, bool requireEveryStep = true)
    {
        foreach (var name in TrackedSteps)
        {
            if (!requireEveryStep && !result.TrackedSteps.ContainsKey(name))
            {
                continue;
            }

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
    public static void AssertNoSourceRegenerated(GeneratorRunResult result)
    {
        foreach (var output in result.TrackedOutputSteps.SelectMany(static s => s.Value).SelectMany(static s => s.Outputs))
        {
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"An output step was {output.Reason}");
        }
    }

    /// <summary>No output of a tracked step holds a symbol, syntax, a compilation, a semantic model or a Location.</summary>
    public static void AssertNoRoslynObjects(GeneratorRunResult result)
    {
        foreach (var name in TrackedSteps)
        {
            foreach (var step in result.TrackedSteps.GetValueOrDefault(name, []))
            {
                foreach (var (value, _) in step.Outputs)
                {
                    AssertNoRoslynObjects(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
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
