using Microsoft.CodeAnalysis;
using TypedSse.Generator.Diagnostics;
using TypedSse.Generator.Tests.Infrastructure;

namespace TypedSse.Generator.Tests;

/// <summary>Each diagnostic, on the syntax it is about, with its message.</summary>
public sealed class DiagnosticTests
{
    private const string Usings = """
        #pragma warning disable CS1591
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using TypedSse;

        """;

    [Fact]
    public Task Generic_contract() => Verify(
        """
        [EventStream("/g")]
        public interface [|IGenericEvents|]<T> { Task Changed(T value); }

        public class Outer<T>
        {
            [EventStream("/n")]
            public interface [|INestedEvents|] { Task Changed(); }
        }
        """,
        (DiagnosticDescriptors.GenericContract, "The event stream contract 'IGenericEvents<T>' is generic or nested in a generic type; declare a non-generic interface and use generic payload types instead"),
        (DiagnosticDescriptors.GenericContract, "The event stream contract 'Outer<T>.INestedEvents' is generic or nested in a generic type; declare a non-generic interface and use generic payload types instead"));

    [Fact]
    public Task Generic_method() => Verify(
        """
        [EventStream("/e")]
        public interface IEvents { Task [|Changed|]<T>(T value); }
        """,
        (DiagnosticDescriptors.GenericEventMethod, "Event method 'IEvents.Changed' is generic; remove its type parameters and use a concrete payload type"));

    [Fact]
    public Task Return_type_other_than_Task_or_ValueTask() => Verify(
        """
        [EventStream("/e")]
        public interface IEvents
        {
            [|void|] Cleared();
            [|Task<int>|] Counted(int count);
            [|ValueTask<bool>|] Checked();
        }
        """,
        (DiagnosticDescriptors.InvalidReturnType, "Event method 'IEvents.Cleared' returns 'void'; change its return type to Task or ValueTask"),
        (DiagnosticDescriptors.InvalidReturnType, "Event method 'IEvents.Counted' returns 'Task<int>'; change its return type to Task or ValueTask"),
        (DiagnosticDescriptors.InvalidReturnType, "Event method 'IEvents.Checked' returns 'ValueTask<bool>'; change its return type to Task or ValueTask"));

    [Fact]
    public Task Ref_out_in_and_params_parameters() => Verify(
        """
        [EventStream("/e")]
        public interface IEvents
        {
            Task A([|ref|] int a);
            Task B([|out|] int b);
            Task C([|in|] int c);
            Task D([|params|] int[] d);
        }
        """,
        (DiagnosticDescriptors.InvalidParameterModifier, "Parameter 'a' of event method 'IEvents.A' is declared 'ref'; remove the modifier, payloads are passed by value"),
        (DiagnosticDescriptors.InvalidParameterModifier, "Parameter 'b' of event method 'IEvents.B' is declared 'out'; remove the modifier, payloads are passed by value"),
        (DiagnosticDescriptors.InvalidParameterModifier, "Parameter 'c' of event method 'IEvents.C' is declared 'in'; remove the modifier, payloads are passed by value"),
        (DiagnosticDescriptors.InvalidParameterModifier, "Parameter 'd' of event method 'IEvents.D' is declared 'params'; remove the modifier, payloads are passed by value"));

    [Fact]
    public Task Duplicate_event_names_after_naming() => Verify(
        """
        [EventStream("/e")]
        public interface IEvents
        {
            Task Changed();
            [EventName([|"changed"|])] Task Modified();
            Task [|Changed|](int version);
        }
        """,
        (DiagnosticDescriptors.DuplicateEventName, "Event name 'changed' of 'IEvents.Modified' is already used by 'IEvents.Changed'; rename one of the methods or give it a distinct [EventName]"),
        (DiagnosticDescriptors.DuplicateEventName, "Event name 'changed' of 'IEvents.Changed' is already used by 'IEvents.Changed'; rename one of the methods or give it a distinct [EventName]"));

    [Fact]
    public Task Invalid_event_names() => Verify(
        """
        [EventStream("/e")]
        public interface IEvents
        {
            [EventName([|""|])] Task A();
            [EventName([|"typedsse:hello"|])] Task B();
            [EventName([|"two\nlines"|])] Task C();
            [EventName([|null!|])] Task D();
        }
        """,
        (DiagnosticDescriptors.InvalidEventName, "Event name '' of 'IEvents.A' is empty; use a non-empty name without CR, LF or ':' (names with a colon are reserved for TypedSse control events such as 'typedsse:hello')"),
        (DiagnosticDescriptors.InvalidEventName, "Event name 'typedsse:hello' of 'IEvents.B' contains ':'; use a non-empty name without CR, LF or ':' (names with a colon are reserved for TypedSse control events such as 'typedsse:hello')"),
        (DiagnosticDescriptors.InvalidEventName, "Event name 'two\nlines' of 'IEvents.C' contains a line break; use a non-empty name without CR, LF or ':' (names with a colon are reserved for TypedSse control events such as 'typedsse:hello')"),
        (DiagnosticDescriptors.InvalidEventName, "Event name 'null' of 'IEvents.D' is null; use a non-empty name without CR, LF or ':' (names with a colon are reserved for TypedSse control events such as 'typedsse:hello')"));

    [Theory]
    [InlineData("/a//b", "the separator '/' appears twice in a row; put a literal or a parameter between them")]
    [InlineData("/rooms/{room", "a '{' is never closed; close the parameter with '}' or escape a literal brace as '{{'")]
    [InlineData("/rooms/room}", "it has a '}' without a matching '{'; escape a literal brace as '}}'")]
    [InlineData("/rooms/{}", "the parameter name '' is invalid; a name must be non-empty and cannot contain '{', '}', '/', '?', '*' or '='")]
    [InlineData("/rooms/{a}{b}", "the segment '{a}{b}' has two consecutive parameters; separate them with '/' or a literal")]
    [InlineData("/files/{*path}/more", "the catch-all parameter 'path' is not in the last segment; move it to the end")]
    [InlineData("/files/x{*path}", "the segment 'x{*path}' mixes the catch-all parameter 'path' with other text; give it a segment of its own")]
    [InlineData("/files/{*path?}", "the catch-all parameter 'path' is marked optional; a catch-all parameter is already optional, remove the '?'")]
    [InlineData("/rooms/{room}/{Room}", "the parameter name 'Room' appears more than once; give each parameter its own name")]
    [InlineData("/rooms?x=1", "it contains '?' outside a parameter; a route template cannot contain a query string")]
    [InlineData("~rooms", "it starts with '~' that is not followed by '/'; start it with '/'")]
    [InlineData("/rooms/{id:}", "the parameter 'id' has an empty constraint; remove the extra ':'")]
    [InlineData("/rooms/{id:regex(^a}", "the constraint 'regex(^a' of parameter 'id' has an unclosed '('")]
    [InlineData("/rooms/{id=1?}", "the optional parameter 'id' has a default value; use either '?' or '=value'")]
    [InlineData("/rooms/{id?}x", "the optional parameter 'id' is not at the end of the segment '{id?}x'; move it to the end")]
    [InlineData("/rooms/x-{id?}", "the optional parameter 'id' in the segment 'x-{id?}' is preceded by 'x-'; only a period can precede an optional parameter")]
    public Task Invalid_route_template(string route, string reason) => Verify(
        $$"""
        [EventStream([|{{Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(route, quote: true)}}|])]
        public interface IEvents { Task Changed(); }
        """,
        (DiagnosticDescriptors.InvalidRoute, $"The route template '{route}' of 'IEvents' is invalid: {reason}"));

    [Fact]
    public Task Null_route() => Verify(
        """
        [EventStream([|null!|])]
        public interface IEvents { Task Changed(); }
        """,
        (DiagnosticDescriptors.InvalidRoute, "The route template 'null' of 'IEvents' is invalid: it is null; pass a route such as \"/events\""));

    [Fact]
    public Task Members_other_than_event_methods() => Verify(
        """
        [EventStream("/e")]
        public interface IEvents
        {
            string [|Name|] { get; }
            event Action [|Changed|];
            int [|this|][int index] { get; }
            static Task [|Create|]() => Task.CompletedTask;
        }
        """,
        (DiagnosticDescriptors.UnsupportedContractMember, "'IEvents.Name' is a property; an event stream contract may only declare instance methods, one per event: move it to another type"),
        (DiagnosticDescriptors.UnsupportedContractMember, "'IEvents.Changed' is an event; an event stream contract may only declare instance methods, one per event: move it to another type"),
        (DiagnosticDescriptors.UnsupportedContractMember, "'IEvents.this[]' is an indexer; an event stream contract may only declare instance methods, one per event: move it to another type"),
        (DiagnosticDescriptors.UnsupportedContractMember, "'IEvents.Create' is a static method; an event stream contract may only declare instance methods, one per event: move it to another type"));

    [Fact]
    public Task Payloads_that_cannot_be_serialized() => Verify(
        """
        [EventStream("/e")]
        public interface IEvents
        {
            Task A(Action [|callback|]);
            Task B(Task [|pending|]);
            Task C(List<Func<int>> [|factories|]);
            Task D(Holder holder);
            Task E((int, string) [|pair|]);
            Task F(int[,] [|grid|]);
            Task G(Dictionary<Holder, int> [|lookup|]);
            Task H(System.Threading.CancellationToken [|token|], int last);
        }

        public sealed class Holder
        {
            public IntPtr [|Handle|] { get; set; }
            public Type? [|Kind|] { get; set; }
            [System.Text.Json.Serialization.JsonIgnore] public Action? Ignored { get; set; }
        }
        """,
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.A' cannot be sent: parameter 'callback' has type 'Action', delegates cannot be serialized; use a serializable type or mark the member [JsonIgnore]"),
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.B' cannot be sent: parameter 'pending' has type 'Task', tasks and cancellation tokens cannot be serialized; send the result instead; use a serializable type or mark the member [JsonIgnore]"),
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.C' cannot be sent: parameter 'factories' has type 'Func<int>', delegates cannot be serialized; use a serializable type or mark the member [JsonIgnore]"),
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.E' cannot be sent: parameter 'pair' has type '(int, string)', tuples serialize as an empty object; use a record; use a serializable type or mark the member [JsonIgnore]"),
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.F' cannot be sent: parameter 'grid' has type 'int[*,*]', multi-dimensional arrays cannot be serialized; use a jagged array; use a serializable type or mark the member [JsonIgnore]"),
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.G' cannot be sent: parameter 'lookup' has type 'Dictionary<Holder, int>', dictionary keys must be strings, numbers, enums, Guids or dates; use a serializable type or mark the member [JsonIgnore]"),
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.H' cannot be sent: parameter 'token' has type 'CancellationToken', tasks and cancellation tokens cannot be serialized; send the result instead; use a serializable type or mark the member [JsonIgnore]"),
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.D' cannot be sent: property 'Holder.Handle' has type 'nint', native integers cannot be serialized; use a serializable type or mark the member [JsonIgnore]"),
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.D' cannot be sent: property 'Holder.Kind' has type 'Type?', reflection types cannot be serialized; use a serializable type or mark the member [JsonIgnore]"));

    [Fact]
    public Task Span_and_pointer_payloads() => Verify(
        """
        [EventStream("/e")]
        public unsafe interface IEvents
        {
            Task A(ReadOnlySpan<byte> [|bytes|]);
            Task B(int* [|pointer|]);
        }
        """,
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.A' cannot be sent: parameter 'bytes' has type 'ReadOnlySpan<byte>', ref structs such as Span<T> cannot be serialized; use an array or a list; use a serializable type or mark the member [JsonIgnore]"),
        (DiagnosticDescriptors.UnsupportedPayloadType, "The payload of 'IEvents.B' cannot be sent: parameter 'pointer' has type 'int*', pointers cannot be serialized; use a serializable type or mark the member [JsonIgnore]"));

    [Fact]
    public Task Object_and_dynamic_payloads_warn() => Verify(
        """
        [EventStream("/e")]
        public interface IEvents
        {
            Task A(object [|value|]);
            Task B(dynamic [|value|]);
            Task C(Envelope envelope);
        }

        public sealed record Envelope(string Kind, Dictionary<string, object?> [|Data|]);
        """,
        (DiagnosticDescriptors.UntypedPayload, "The payload of 'IEvents.A' is not fully typed: parameter 'value' has type 'object', which the TypeScript client sees as 'unknown'; use a concrete type"),
        (DiagnosticDescriptors.UntypedPayload, "The payload of 'IEvents.B' is not fully typed: parameter 'value' has type 'dynamic', which the TypeScript client sees as 'unknown'; use a concrete type"),
        (DiagnosticDescriptors.UntypedPayload, "The payload of 'IEvents.C' is not fully typed: property 'Envelope.Data' has type 'object?', which the TypeScript client sees as 'unknown'; use a concrete type"));

    [Fact]
    public Task Private_or_protected_nested_contract() => Verify(
        """
        public class Outer
        {
            [EventStream("/a")]
            private interface [|IPrivateEvents|] { Task Changed(); }

            protected class Inner
            {
                [EventStream("/b")]
                internal interface [|IInnerEvents|] { Task Changed(); }
            }
        }
        """,
        (DiagnosticDescriptors.InaccessibleContract, "The event stream contract 'Outer.IPrivateEvents' is private; make it and every type it is nested in public or internal, so the generated sender and extensions can use it"),
        (DiagnosticDescriptors.InaccessibleContract, "The event stream contract 'Outer.Inner.IInnerEvents' is nested in the protected type 'Inner'; make it and every type it is nested in public or internal, so the generated sender and extensions can use it"));

    [Fact]
    public Task Empty_stream_name() => Verify(
        """
        [EventStream("/e", Name = [|""|])]
        public interface IEvents { Task Changed(); }
        """,
        (DiagnosticDescriptors.InvalidStreamName, "The stream name of 'IEvents' is empty; set [EventStream(Name = ...)] to a non-empty name or remove it"));

    [Fact]
    public Task Duplicate_stream_names() => Verify(
        """
        [EventStream("/chat")]
        public interface IChatEvents { Task Posted(); }

        [EventStream("/other", Name = [|"Chat"|])]
        public interface IOtherEvents { Task Posted(); }

        namespace Elsewhere
        {
            [EventStream("/chat2")]
            public interface [|IChatEvents|] { Task Posted(); }
        }
        """,
        (DiagnosticDescriptors.DuplicateStreamName, "The stream name 'Chat' of 'IOtherEvents' is already used by 'IChatEvents'; two contracts would share one stream, so give one a distinct [EventStream(Name = ...)]"),
        (DiagnosticDescriptors.DuplicateStreamName, "The stream name 'Chat' of 'Elsewhere.IChatEvents' is already used by 'IChatEvents'; two contracts would share one stream, so give one a distinct [EventStream(Name = ...)]"));

    [Fact]
    public Task Json_context_options_the_TypeScript_client_does_not_follow_warn() => Verify(
        """
        [EventStream("/e")]
        public interface IEvents { Task Changed(int value); }

        [[|System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)|]]
        internal sealed class SnakeContext { }

        [[|System.Text.Json.Serialization.JsonSourceGenerationOptions(IncludeFields = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)|]]
        internal sealed class GeneralContext { }

        [System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
        internal sealed class WebContext { }
        """,
        (DiagnosticDescriptors.UnfollowedJsonOptions, "The JsonSerializerContext 'SnakeContext' sets PropertyNamingPolicy = SnakeCaseLower, UseStringEnumConverter = true" + UnfollowedJsonOptionsAdvice),
        (DiagnosticDescriptors.UnfollowedJsonOptions, "The JsonSerializerContext 'GeneralContext' sets no PropertyNamingPolicy (JsonSerializerDefaults.General: names as declared), IncludeFields = true, DefaultIgnoreCondition = WhenWritingNull" + UnfollowedJsonOptionsAdvice));

    private const string UnfollowedJsonOptionsAdvice = "; the generated TypeScript types describe the JSON of ASP.NET Core's web defaults (camelCase names, enums as numbers, no public fields), so if TypedSse serializes event payloads with this context or its options the client's types do not match the JSON. Keep the web defaults for payload types ([JsonSourceGenerationOptions(JsonSerializerDefaults.Web)], per-member attributes such as [JsonPropertyName] and [JsonConverter] are followed), or suppress TSSE016 if the context serves no event payloads";

    [Fact]
    public void Json_context_options_in_a_project_without_contracts_are_not_reported()
    {
        var run = GeneratorRunner.Run(Usings + """
            [System.Text.Json.Serialization.JsonSourceGenerationOptions(UseStringEnumConverter = true)]
            internal sealed class Context { }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void Attribute_on_a_class_is_left_to_the_compiler()
    {
        // AttributeTargets.Interface already makes this error CS0592; the generator adds nothing and emits nothing.
        var run = GeneratorRunner.Run(Usings + """
            [EventStream("/e")]
            public class ChatEvents { }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Sources);
        Assert.Contains(run.Output.GetDiagnostics(), static d => d.Id == "CS0592");
    }

    [Fact]
    public void A_contract_with_errors_generates_no_code()
    {
        var run = GeneratorRunner.Run(Usings + """
            [EventStream("/e")]
            public interface IEvents { int Changed(); }
            """);

        Assert.Single(run.GeneratorDiagnostics);
        Assert.Empty(run.Sources);
    }

    private static Task Verify(string markup, params (DiagnosticDescriptor Descriptor, string Message)[] expected)
    {
        var (source, spans) = Markup.Parse(Usings + markup);
        var run = GeneratorRunner.Run(source);
        Assert.Null(run.Generator.Exception);

        var actual = run.GeneratorDiagnostics;
        Assert.True(
            expected.Length == actual.Length,
            $"Expected {expected.Length} diagnostics, got {actual.Length}:\n{string.Join("\n", actual)}");
        Assert.Equal(expected.Length, spans.Count);

        var bySpan = actual.OrderBy(static d => d.Location.SourceSpan.Start).ToList();
        var expectedBySpan = expected.Zip(spans).OrderBy(static e => e.Second.Start).ToList();
        for (var i = 0; i < expected.Length; i++)
        {
            var (want, span) = expectedBySpan[i];
            var diagnostic = bySpan[i];
            Assert.Equal(want.Descriptor.Id, diagnostic.Id);
            Assert.Equal(want.Descriptor.DefaultSeverity, diagnostic.DefaultSeverity);
            Assert.Equal(want.Message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(span, diagnostic.Location.SourceSpan);
            Assert.Equal("Source0.cs", diagnostic.Location.SourceTree?.FilePath);
        }

        // The same expectations through Roslyn's testing library, which also accounts for every compiler diagnostic
        // of the final compilation: a contract with errors leaves the compiler nothing to add. Warnings count as
        // errors there, as in a project that treats them so.
        var text = Microsoft.CodeAnalysis.Text.SourceText.From(source);
        var results = expectedBySpan.Select(e => new Microsoft.CodeAnalysis.Testing.DiagnosticResult(e.First.Descriptor)
            .WithSpan(new FileLinePositionSpan("/0/Test0.cs", text.Lines.GetLinePositionSpan(e.Second)))
            .WithSeverity(DiagnosticSeverity.Error)
            .WithMessage(e.First.Message));
        var test = new GeneratorTest().DiagnosticsOnly();
        test.TestCode = source;
        test.ExpectedDiagnostics.AddRange(results);
        return test.RunAsync();
    }
}
