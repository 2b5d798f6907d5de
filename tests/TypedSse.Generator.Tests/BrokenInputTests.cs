using TypedSse.Generator.Tests.Infrastructure;

namespace TypedSse.Generator.Tests;

/// <summary>Half-typed code, as an editor sees it between keystrokes: the generator must never throw.</summary>
public sealed class BrokenInputTests
{
    public static TheoryData<string, string> Inputs => new()
    {
        { "missing route argument", """[EventStream] public interface IEvents { Task Changed(); }""" },
        { "route of the wrong type", """[EventStream(42)] public interface IEvents { Task Changed(); }""" },
        { "null stream name", """[EventStream("/e", Name = null)] public interface IEvents { Task Changed(); }""" },
        { "unknown named argument", """[EventStream("/e", Nmae = "x")] public interface IEvents { Task Changed(); }""" },
        { "unknown types", """[EventStream("/e")] public interface IEvents { Task Changed(Missing value); UnknownTask Other(); Task Third(List<Nope> items); }""" },
        { "unknown base interface", """[EventStream("/e")] public interface IEvents : IMissing { Task Changed(); }""" },
        { "unfinished parameter list", """[EventStream("/e")] public interface IEvents { Task Changed(int ; Task }""" },
        { "unfinished interface", """[EventStream("/e")] public interface IEvents { Task Changed(""" },
        { "attribute without a target", """[EventStream("/e")]""" },
        { "EventName without argument", """[EventStream("/e")] public interface IEvents { [EventName] Task Changed(); [EventName(1)] Task Other(); }""" },
        { "EventName null", """[EventStream("/e")] public interface IEvents { [EventName(null)] Task Changed(); }""" },
        { "attribute on a class", """[EventStream("/e")] public class Events { public Task Changed() => Task.CompletedTask; }""" },
        { "attribute on a struct and an enum", """[EventStream("/e")] public struct Events { } [EventStream("/f")] public enum Kinds { A }""" },
        { "partial interface", """[EventStream("/e")] public partial interface IEvents { Task A(); } public partial interface IEvents { Task B(Payload p); }""" },
        { "recursive generic payload", """[EventStream("/e")] public interface IEvents { Task A(Node<int> node); } public class Node<T> { public Node<Node<T>>? Next { get; set; } public T Value { get; set; } = default!; }""" },
        { "payload with error-typed members", """[EventStream("/e")] public interface IEvents { Task A(Payload p); } public class Payload { public Missing? Value { get; set; } public Dictionary<Missing, int>? Map { get; set; } [JsonDerivedType(typeof(Missing))] public int X { get; set; } }""" },
        { "polymorphism with bad arguments", """[System.Text.Json.Serialization.JsonDerivedType(null!)] [System.Text.Json.Serialization.JsonDerivedType(typeof(int), "x")] public class Base { } [EventStream("/e")] public interface IEvents { Task A(Base b); }""" },
        { "duplicate attribute", """[EventStream("/e")] [EventStream("/f")] public interface IEvents { Task Changed(); }""" },
        { "route with every kind of mistake", """[EventStream("/{a{b}}/{*c?}/{d:regex(}/{{/}}")] public interface IEvents { Task Changed(); }""" },
        { "contract nested in a method-like mess", """public class C { void M() { [EventStream("/e")] interface IEvents { } } }""" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Generator_does_not_throw(string name, string source)
    {
        var run = GeneratorRunner.Run("""
            using System.Collections.Generic;
            using System.Text.Json.Serialization;
            using System.Threading.Tasks;
            using TypedSse;

            """ + source);

        Assert.True(run.Generator.Exception is null, $"{name}: {run.Generator.Exception}");
        Assert.DoesNotContain(run.Output.GetDiagnostics().Concat(run.DriverDiagnostics), static d => d.Id is "CS8785" or "CS8784" or "AD0001");
    }

    private const string Contract = """
        using System.Threading.Tasks;
        using TypedSse;

        namespace App;

        [EventStream("/rooms/{room}/{page:int?}", Name = "chat")]
        public interface IChatEvents : IBase
        {
            [EventName("posted")]
            Task Posted(Message message, int count);
            ValueTask Cleared();
        }

        public interface IBase { Task Joined(string user); }

        public sealed record Message(string Text);
        """;

    public static TheoryData<string> Edits => new() { "prefixes", "deletions" };

    // What an editor sees between keystrokes: every prefix of a contract file, and the file with any one character
    // deleted. The generator never throws, and whatever it generates adds no error of its own.
    [Theory]
    [MemberData(nameof(Edits))]
    public void Half_typed_contracts_get_no_errors_from_generated_code(string edit)
    {
        var variants = edit == "prefixes"
            ? Enumerable.Range(0, Contract.Length + 1).Select(static i => Contract[..i])
            : Enumerable.Range(0, Contract.Length).Select(static i => Contract.Remove(i, 1));
        var failures = new List<string>();
        foreach (var variant in variants.Distinct())
        {
            var compilation = GeneratorRunner.CreateCompilation(variant);
            var driver = GeneratorRunner.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
            var result = driver.GetRunResult().Results.Single();
            var generatedErrors = output.SyntaxTrees.Except(compilation.SyntaxTrees)
                .SelectMany(tree => output.GetSemanticModel(tree).GetDiagnostics())
                .Where(static d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                .ToList();
            if (result.Exception is not null || driverDiagnostics.Any(static d => d.Id is "CS8785" or "CS8784") || generatedErrors.Count > 0)
            {
                failures.Add($"--- {variant}\n{result.Exception?.Message}{string.Join("\n", driverDiagnostics.Concat(generatedErrors))}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} variants failed:\n{string.Join("\n", failures.Take(5))}");
    }
}
