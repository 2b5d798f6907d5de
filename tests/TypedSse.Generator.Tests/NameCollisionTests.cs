using TypedSse.Generator.Tests.Infrastructure;

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
}
