using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using TypedSse.Generator.Emitting.TypeScript;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Tests.Infrastructure;

namespace TypedSse.Generator.Tests;

/// <summary>
/// An edit that touches nothing a contract's parse read reuses that parse (the IDE's keystroke cost), and every edit
/// that changes what the parse would read, in whatever file or project, parses again and regenerates.
/// </summary>
public sealed class ParseReuseTests
{
    private const string Orders = """
        using System.Threading.Tasks;
        using TypedSse;
        using Shop.Payloads;

        namespace Shop;

        [EventStream("/orders")]
        public interface IOrderEvents
        {
            Task Placed(Order order);
        }
        """;

    private const string Clock = """
        using System;
        using System.Threading.Tasks;
        using TypedSse;

        namespace Shop.Time;

        [EventStream("/clock")]
        public interface IClockEvents
        {
            Task Ticked(DateTimeOffset at);
        }
        """;

    private const string Payloads = """
        namespace Shop.Payloads;

        public sealed record Order(string Id, Customer Customer) : Entity;
        """;

    private const string Bases = """
        namespace Shop.Payloads;

        public abstract record Entity
        {
            public int Version { get; init; }
        }

        public sealed record Customer(string Name);
        """;

    [Fact]
    public void An_unrelated_edit_reuses_every_parse()
    {
        var session = new Session(("Orders.cs", Orders), ("Clock.cs", Clock), ("Payloads.cs", Payloads), ("Bases.cs", Bases), ("Other.cs", "namespace Shop.Other { public sealed class Unrelated0 { } }"));

        var added = session.Add("Added.cs", "namespace Shop.Other { public sealed class Added { public int Value { get; set; } } }");
        var renamed = session.Edit("Other.cs", "Unrelated0", "Unrelated1");

        Assert.Equal(0, added.Parses);
        Assert.Equal(0, renamed.Parses);
        Caching.AssertAllCachedOrUnchanged(renamed.Result);
        Caching.AssertNoSourceRegenerated(renamed.Result);
    }

    [Fact]
    public void Editing_a_payload_type_in_another_file_parses_its_contract_again_and_only_that()
    {
        var session = new Session(("Orders.cs", Orders), ("Clock.cs", Clock), ("Payloads.cs", Payloads), ("Bases.cs", Bases));

        var run = session.Edit("Payloads.cs", "Customer Customer)", "Customer Customer, string? Note)");

        Assert.Equal(1, run.Parses);
        Assert.Contains("note: string | null", run.TypeScript("order-events.ts"));
    }

    [Fact]
    public void Editing_one_contract_parses_that_contract_alone()
    {
        var session = new Session(("Orders.cs", Orders), ("Clock.cs", Clock), ("Payloads.cs", Payloads), ("Bases.cs", Bases));

        var run = session.Edit("Clock.cs", "Task Ticked(DateTimeOffset at);", "Task Ticked(DateTimeOffset at);\n    Task Stopped();");

        Assert.Equal(1, run.Parses);
        Assert.Contains("stopped", run.TypeScript("clock-events.ts"));
    }

    [Fact]
    public void Editing_a_base_type_or_a_member_type_in_a_third_file_regenerates()
    {
        var session = new Session(("Orders.cs", Orders), ("Payloads.cs", Payloads), ("Bases.cs", Bases));

        var run = session.Edit("Bases.cs", "public int Version { get; init; }", "public long Revision { get; init; }");
        Assert.Contains("revision: number", run.TypeScript("order-events.ts"));
        Assert.DoesNotContain("version", run.TypeScript("order-events.ts"));

        run = session.Edit("Bases.cs", "record Customer(string Name)", "record Customer(string Name, string Email)");
        Assert.Contains("email: string", run.TypeScript("order-events.ts"));
    }

    [Fact]
    public void A_payload_type_from_a_referenced_project_that_changes_regenerates()
    {
        var library = Library("public sealed record Order(string Id);");
        var session = new Session([library.ToMetadataReference()], ("Orders.cs", Orders));
        Assert.Contains("id: string", session.TypeScript("order-events.ts"));

        var changed = library.ReplaceSyntaxTree(library.SyntaxTrees.Single(), CSharpSyntaxTree.ParseText(
            "namespace Shop.Payloads; public sealed record Order(string Id, int Quantity);", GeneratorRunner.ParseOptions));
        var run = session.WithReferences([changed.ToMetadataReference()]);

        Assert.Equal(1, run.Parses);
        Assert.Contains("quantity: number", run.TypeScript("order-events.ts"));
    }

    [Fact]
    public void A_type_added_elsewhere_that_changes_what_a_payload_name_means_regenerates()
    {
        // Order comes from the using directive until a type of the contract's own namespace hides it.
        var session = new Session(("Orders.cs", Orders), ("Payloads.cs", Payloads), ("Bases.cs", Bases));

        var run = session.Add("Hiding.cs", "namespace Shop; public sealed record Order(string Sku);");

        Assert.Contains("sku: string", run.TypeScript("order-events.ts"));
        Assert.DoesNotContain("customer", run.TypeScript("order-events.ts"));
    }

    [Fact]
    public void A_constant_in_another_file_that_names_a_property_regenerates()
    {
        var payload = """
            using System.Text.Json.Serialization;
            namespace Shop.Payloads;
            public sealed record Order([property: JsonPropertyName(JsonNames.Id)] string Id);
            """;
        var session = new Session(("Orders.cs", Orders), ("Payloads.cs", payload), ("Names.cs", "namespace Shop.Payloads; public static class JsonNames { public const string Id = \"orderId\"; }"));
        Assert.Contains("orderId: string", session.TypeScript("order-events.ts"));

        var run = session.Edit("Names.cs", "\"orderId\"", "\"order_id\"");

        Assert.Contains("order_id: string", run.TypeScript("order-events.ts"));
    }

    [Fact]
    public void A_global_using_added_in_another_file_regenerates()
    {
        // Without the using, Order is unknown (CS0246) and the contract generates nothing.
        var session = new Session(("Orders.cs", Orders.Replace("using Shop.Payloads;\n", "")), ("Payloads.cs", Payloads), ("Bases.cs", Bases));
        Assert.Null(session.TypeScriptOrNull("order-events.ts"));

        var run = session.Add("Usings.cs", "global using Shop.Payloads;");

        Assert.Contains("customer: Customer", run.TypeScript("order-events.ts"));
    }

    [Fact]
    public void A_type_added_elsewhere_with_a_generated_name_moves_the_generated_one()
    {
        var session = new Session(("Orders.cs", Orders), ("Payloads.cs", Payloads), ("Bases.cs", Bases));
        Assert.DoesNotContain(session.CSharp, static source => source.Contains("class OrderEventsExtensions2", StringComparison.Ordinal));

        var run = session.Add("Mine.cs", "namespace Shop; public static class OrderEventsExtensions { }");

        Assert.Contains(run.CSharp, static source => source.Contains("class OrderEventsExtensions2", StringComparison.Ordinal));
        Assert.Empty(run.CompilationErrors);
    }

    private static CSharpCompilation Library(string source) =>
        CSharpCompilation.Create(
            "Shop.Payloads",
            [CSharpSyntaxTree.ParseText("namespace Shop.Payloads; " + source, GeneratorRunner.ParseOptions)],
            GeneratorRunner.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>A project edited file by file, with one driver and one generator, as in an IDE.</summary>
    private sealed class Session
    {
        private readonly EventStreamGenerator _generator = new();
        private GeneratorDriver _driver;
        private Compilation _compilation;
        private Run _last;

        public Session(params (string Path, string Source)[] files)
            : this([], files)
        {
        }

        public Session(MetadataReference[] references, params (string Path, string Source)[] files)
        {
            _compilation = CSharpCompilation.Create(
                "Shop",
                files.Select(static f => CSharpSyntaxTree.ParseText(f.Source, GeneratorRunner.ParseOptions, path: f.Path)),
                GeneratorRunner.References.AddRange(references),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            _driver = GeneratorRunner.CreateDriver(_generator);
            _last = RunOn(_compilation);
        }

        public IEnumerable<string> CSharp => _last.CSharp;

        public string TypeScript(string path) => _last.TypeScript(path);

        public string? TypeScriptOrNull(string path) => _last.TypeScriptOrNull(path);

        public Run Add(string path, string source) =>
            RunOn(_compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, GeneratorRunner.ParseOptions, path: path)));

        public Run Edit(string path, string find, string replace)
        {
            var tree = _compilation.SyntaxTrees.Single(t => t.FilePath == path);
            var text = tree.GetText().ToString();
            Assert.Contains(find, text);
            return RunOn(_compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(text.Replace(find, replace)))));
        }

        public Run WithReferences(MetadataReference[] references) =>
            RunOn(_compilation.WithReferences(GeneratorRunner.References.AddRange(references)));

        private Run RunOn(Compilation compilation)
        {
            var before = _generator.ParseCache.Parses;
            _driver = _driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
            _compilation = compilation;
            _last = new Run(_driver.GetRunResult().Results.Single(), _generator.ParseCache.Parses - before, output);
            return _last;
        }
    }

    private sealed record Run(GeneratorRunResult Result, int Parses, Compilation Output)
    {
        public string? TypeScriptOrNull(string path) => Result.TrackedSteps.GetValueOrDefault(TrackingNames.TypeScript, [])
            .SelectMany(static step => step.Outputs)
            .SelectMany(static output => (EquatableArray<TypeScriptFile>)output.Value)
            .FirstOrDefault(file => file.Path == path)?.Content;

        public string TypeScript(string path) => TypeScriptOrNull(path) ?? throw new Xunit.Sdk.XunitException($"No {path} was generated");

        public IEnumerable<string> CSharp => Result.GeneratedSources.Select(static s => s.SourceText.ToString());

        public IEnumerable<Diagnostic> CompilationErrors => Output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error);
    }
}
