using TypedSse.Generator.Tests.Infrastructure;
using TypedSse.Generator.Emitting.CSharp;

namespace TypedSse.Generator.Tests;

public sealed class NameCollisionTests
{
    [Fact]
    public void A_user_type_named_like_the_sender_does_not_collide()
    {
        var run = GeneratorRunner.Run("""
            #pragma warning disable CS1591
            using System.Threading.Tasks;
            using TypedSse;

            namespace A;

            [EventStream("/one")]
            public interface IXEvents { Task Changed(); }

            public sealed class XEventsSender { }
            """);

        Assert.Single(run.CSharpSources);
        Assert.Empty(run.CompilationDiagnostics.Select(static d => d.ToString()));
    }

    [Fact]
    public void Nested_and_namespaced_contracts_get_distinct_file_names_even_in_broken_code()
    {
        // Namespace A.B and type A.B cannot both exist (CS0101), but the generator must still not throw on it.
        var run = GeneratorRunner.Run("""
            using System.Threading.Tasks;
            using TypedSse;

            namespace A.B
            {
                [EventStream("/one")]
                public interface IXEvents { Task Changed(); }
            }

            namespace A
            {
                public static class B
                {
                    [EventStream("/two", Name = "nested")]
                    public interface IXEvents { Task Changed(); }
                }
            }
            """);

        Assert.Null(run.Generator.Exception);
        Assert.Equal(["A.B-IXEvents.EventStream.g.cs", "A.B.IXEvents.EventStream.g.cs"], run.CSharpSources.Select(static s => s.HintName).Order());
        Assert.Equal(["bx-events.ts", "x-events.ts"], run.TypeScriptFiles.Select(static f => f.Path).Order());
    }

    [Fact]
    public void Contracts_of_one_name_in_two_namespaces_get_distinct_TypeScript_files()
    {
        var run = GeneratorRunner.Run("""
            #pragma warning disable CS1591
            using System.Threading.Tasks;
            using TypedSse;

            namespace Admin
            {
                [EventStream("/admin/chat")]
                public interface IChatEvents { Task Changed(); }
            }

            namespace Public
            {
                [EventStream("/chat", Name = "public-chat")]
                public interface IChatEvents { Task Changed(); }
            }
            """);

        Assert.Equal(["admin.chat-events.ts", "public.chat-events.ts"], run.TypeScriptFiles.Select(static f => f.Path));
        Assert.Empty(run.CompilationDiagnostics.Select(static d => d.ToString()));
    }

    [Fact]
    public void Payload_types_named_like_the_generated_declarations_or_TypeScript_globals_are_renamed()
    {
        var run = GeneratorRunner.Run("""
            #pragma warning disable CS1591
            using System.Threading.Tasks;
            using TypedSse;

            namespace A
            {
                [EventStream("/x")]
                public interface IXEvents { Task Changed(XEventsClient client, Record record, B.Record other); }

                public sealed record XEventsClient(int Id);
                public sealed record Record(string Name);
            }

            namespace A.B
            {
                public sealed record Record(bool Flag);
            }
            """);

        var file = Assert.Single(run.TypeScriptFiles).Content;
        Assert.Contains("export interface AXEventsClient {", file);
        Assert.Contains("export interface ARecord {", file);
        Assert.Contains("export interface BRecord {", file);
        Assert.Contains("changed: [client: AXEventsClient, record: ARecord, other: BRecord];", file);
    }

    [Fact]
    public Task A_user_type_named_like_the_extensions_class_does_not_collide() => GeneratorTest.VerifyDiagnosticsAsync("""
        namespace A;

        [EventStream("/one")]
        public interface IXEvents { Task Changed(); }

        public static class XEventsExtensions { public const string Pattern = "mine"; }

        public static class Uses
        {
            public const string Mine = XEventsExtensions.Pattern;
            public const string Generated = XEventsExtensions2.Pattern;
        }
        """);

    [Fact]
    public void A_nested_contract_and_a_top_level_one_whose_generated_names_coincide_both_compile()
    {
        var run = GeneratorRunner.Run(GeneratorTest.Usings + """
            namespace A;

            public static class Outer
            {
                [EventStream("/nested", Name = "nested")]
                public interface IChatEvents { Task Changed(); }
            }

            [EventStream("/top")]
            public interface IOuterChatEvents { Task Changed(); }
            """);

        Assert.Empty(run.CompilationDiagnostics.Select(static d => d.ToString()));
        var names = NamesOf(run);
        Assert.Equal(["OuterChatEventsExtensions", "OuterChatEventsExtensions2"], names.Select(static n => n.ExtensionsClass).Order());
        Assert.Equal(["MapChatEvents", "MapOuterChatEvents"], names.Select(static n => n.MapMethod).Order());
    }

    [Fact]
    public void Contracts_whose_names_differ_only_in_case_get_distinct_file_names()
    {
        var run = GeneratorRunner.Run(GeneratorTest.Usings + """
            namespace A;

            [EventStream("/one")]
            public interface IChatEvents { Task Changed(); }

            [EventStream("/two", Name = "other")]
            public interface IChatevents { Task Changed(); }
            """);

        Assert.DoesNotContain(run.DriverDiagnostics.Concat(run.Output.GetDiagnostics()), static d => d.Id is "CS8785" or "CS8784");
        Assert.Equal(["A.IChatEvents.EventStream.g.cs", "A.IChatevents-2.EventStream.g.cs"], run.CSharpSources.Select(static s => s.HintName).Order());
        Assert.Empty(run.CompilationDiagnostics.Select(static d => d.ToString()));
    }

    [Fact]
    public Task Parameters_named_like_generated_members_compile() => GeneratorTest.VerifyDiagnosticsAsync("""
        namespace A;

        [EventStream("/e")]
        public interface IEvents
        {
            Task Changed(int AsTask, string AsValueTask, bool WriteChanged, int EventsSender, int _stream);
            ValueTask Other(int AsValueTask, int AsTask, int WriteOther);
            Task Single(int AsTask);
        }
        """);

    [Fact]
    public Task Route_parameters_named_like_generated_parameters_compile() => GeneratorTest.VerifyDiagnosticsAsync("""
        namespace A;

        [EventStream("/s/{stream}/{eventStream}/{values}/{topic}/{pattern}")]
        public interface IEvents { Task Changed(); }

        public static class Uses
        {
            public static IEvents Target(IEventStream<IEvents> events) =>
                events.Route(stream: "a", eventStream: "b", values: "c", topic: "d", pattern: "e");
        }
        """);

    private static IReadOnlyList<ContractNames> NamesOf(GeneratorRun run) =>
        run.Generator.TrackedSteps[TrackingNames.NamedContracts]
            .SelectMany(static step => step.Outputs)
            .SelectMany(static output => (TypedSse.Generator.Helpers.EquatableArray<NamedContract>)output.Value)
            .Select(static named => named.Names)
            .ToList();
}
