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

        Assert.Single(run.Sources);
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
        Assert.Equal(["A.B-IXEvents.EventStream.g.cs", "A.B.IXEvents.EventStream.g.cs"], run.Sources.Select(static s => s.HintName).Order());
    }
}
