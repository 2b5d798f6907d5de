using TypedSse.Generator.Tests.Infrastructure;

namespace TypedSse.Generator.Tests;

/// <summary>
/// The TypeScript of payload shapes whose JSON System.Text.Json writes in a way that is easy to miss. The TypeScript
/// tests (tests/TypedSse.TypeScript.Tests, json-shapes.test.ts) check the same shapes against real serializer output.
/// </summary>
public sealed class JsonShapeTests
{
    private static string TypeScriptOf(string payloads)
    {
        var run = GeneratorRunner.Run(GeneratorTest.Usings + """
            using System.Text.Json.Serialization;

            [EventStream("/e")]
            public interface IEvents { Task Changed(Payload payload); }

            """ + payloads);
        Assert.Empty(run.CompilationDiagnostics);
        return Assert.Single(run.TypeScriptFiles).Content;
    }

    [Fact]
    public void WhenReading_is_always_written_and_WhenWriting_never()
    {
        var ts = TypeScriptOf("""
            public sealed class Payload
            {
                [JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)] public string? Note { get; set; }
                [JsonIgnore(Condition = JsonIgnoreCondition.WhenWriting)] public string? WriteOnly { get; set; }
            }
            """);

        Assert.Contains("  note: string | null;\n", ts, StringComparison.Ordinal);
        Assert.DoesNotContain("writeOnly", ts, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_written_as_strings_are_strings_in_collections_too_and_reading_leniency_changes_nothing()
    {
        var ts = TypeScriptOf("""
            [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
            public sealed class Payload
            {
                public int Count { get; set; }
                public List<long?> Totals { get; set; } = [];
                [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] public int Lenient { get; set; }
                [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] public double Ratio { get; set; }
                public Inner Inner { get; set; } = new();
            }

            public sealed class Inner { public int Plain { get; set; } }
            """);

        Assert.Contains("  count: string;\n", ts, StringComparison.Ordinal);
        Assert.Contains("  totals: (string | null)[];\n", ts, StringComparison.Ordinal);
        Assert.Contains("  lenient: number;\n", ts, StringComparison.Ordinal);
        Assert.Contains("  ratio: number | \"NaN\" | \"Infinity\" | \"-Infinity\";\n", ts, StringComparison.Ordinal);
        Assert.Contains("  plain: number;\n", ts, StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_renamed_with_JsonPropertyName_is_written_under_both_names_and_an_ignored_override_under_none()
    {
        var ts = TypeScriptOf("""
            public class Base
            {
                public virtual string Name { get; set; } = "";
                public virtual string Hidden { get; set; } = "";
            }

            public sealed class Payload : Base
            {
                [JsonPropertyName("title")] public override string Name { get; set; } = "";
                [JsonIgnore] public override string Hidden { get; set; } = "";
            }
            """);

        Assert.Contains("  name: string;\n  title: string;\n", ts, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden", ts, StringComparison.Ordinal);
    }

    [Fact]
    public void Cases_written_without_a_discriminator_cannot_carry_one()
    {
        var ts = TypeScriptOf("""
            [JsonDerivedType(typeof(Cat), "cat")]
            [JsonDerivedType(typeof(Bird))]
            public class Payload { public required string Name { get; init; } }
            public sealed class Cat : Payload { public bool Purrs { get; init; } }
            public sealed class Bird : Payload { public bool Sings { get; init; } }
            """);

        Assert.Contains("""
            export type Payload =
              | ({ $type: "cat" } & Cat)
              | ({ $type?: never } & Bird)
              | ({ $type?: never } & PayloadBase);
            """.ReplaceLineEndings("\n"), ts, StringComparison.Ordinal);
    }

    [Fact]
    public void The_T_of_a_generic_base_instantiated_with_a_value_type_is_never_null()
    {
        var ts = TypeScriptOf("""
            public record Box<T>(T? Value);
            public sealed record Payload(Box<string> Text) : Box<int>(1);
            """);

        Assert.Contains("export interface Payload {\n  value: number;\n", ts, StringComparison.Ordinal);
        Assert.Contains("export interface Box<T> {\n  value: T | null;\n", ts, StringComparison.Ordinal);
    }
}
