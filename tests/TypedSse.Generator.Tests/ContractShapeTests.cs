using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using TypedSse.Generator.Diagnostics;
using TypedSse.Generator.Tests.Infrastructure;

namespace TypedSse.Generator.Tests;

/// <summary>
/// Contract shapes that used to be accepted and then broke the build, or were reported in the wrong place. Each test
/// accounts for every diagnostic of the final compilation, the generated code's included, with warnings as errors.
/// </summary>
public sealed class ContractShapeTests
{
    [Fact]
    public Task A_private_or_sealed_helper_method_of_the_interface_is_no_event() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream("/e")]
        public interface IEvents
        {
            Task Changed(int value);

            private Task Helper() => Task.CompletedTask;

            sealed Task Sealed() => Helper();
        }
        """);

    [Fact]
    public Task A_file_local_contract_is_TSSE011() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream("/e")]
        file interface {|#0:IEvents|} { Task Changed(); }
        """,
        new DiagnosticResult(DiagnosticDescriptors.InaccessibleContract).WithLocation(0)
            .WithArguments("IEvents", "file-local"));

    [Fact]
    public Task Dynamic_in_an_event_with_several_parameters_compiles() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream("/e")]
        public interface IEvents
        {
            Task Changed(dynamic {|#0:value|}, List<dynamic> {|#1:items|}, int count);
        }
        """,
        new DiagnosticResult(DiagnosticDescriptors.UntypedPayload).WithLocation(0).WithSeverity(DiagnosticSeverity.Error).WithArguments("IEvents.Changed", "parameter 'value'", "dynamic"),
        new DiagnosticResult(DiagnosticDescriptors.UntypedPayload).WithLocation(1).WithSeverity(DiagnosticSeverity.Error).WithArguments("IEvents.Changed", "parameter 'items'", "dynamic"));

    [Fact]
    public Task An_obsolete_payload_type_warns_only_where_the_user_wrote_it() => GeneratorTest.VerifyDiagnosticsAsync("""
        #pragma warning disable CS0618
        [EventStream("/e")]
        public interface IEvents
        {
            Task Changed(Old old);
            Task Both(Old old, Old other);
        }

        [EventStream("/o")]
        public interface IOldEvents : IObsoleteBase { }
        #pragma warning restore CS0618

        [Obsolete("Use New.")]
        public sealed record Old(int Value);

        [Obsolete("Going away.")]
        public interface IObsoleteBase { Task Gone(); }
        """);

    [Fact]
    public Task Parameters_with_one_JSON_name_are_TSSE014() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream("/e")]
        public interface IEvents
        {
            Task Changed(int a, string {|#0:A|});
        }
        """,
        new DiagnosticResult(DiagnosticDescriptors.DuplicateParameterJsonName).WithLocation(0).WithArguments("A", "a", "IEvents.Changed", "a"));

    [Fact]
    public Task A_rename_onto_another_propertys_JSON_name_is_TSSE017() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream("/e")]
        public interface IEvents { Task Changed(Item item); }

        public sealed class Item
        {
            public string Name { get; set; } = "";

            [System.Text.Json.Serialization.JsonPropertyName("name")]
            public string {|#0:Title|} { get; set; } = "";
        }
        """,
        new DiagnosticResult(DiagnosticDescriptors.DuplicatePropertyJsonName).WithLocation(0).WithArguments("Item.Title", "name", "Item.Name", "name", "Item", "IEvents.Changed"));

    [Fact]
    public Task JSON_names_that_differ_only_in_case_are_TSSE017_since_the_web_defaults_ignore_case() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream("/e")]
        public interface IEvents { Task Changed(Item item); }

        public sealed class Item
        {
            public int Id { get; set; }

            [System.Text.Json.Serialization.JsonPropertyName("ID")]
            public int {|#0:Code|} { get; set; }
        }
        """,
        new DiagnosticResult(DiagnosticDescriptors.DuplicatePropertyJsonName).WithLocation(0).WithArguments("Item.Code", "ID", "Item.Id", "id", "Item", "IEvents.Changed"));

    [Fact]
    public Task A_derived_property_onto_a_base_propertys_JSON_name_is_TSSE017_on_the_derived_one() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream("/e")]
        public interface IEvents { Task Changed(Derived value); }

        public class Base
        {
            public int Count { get; set; }

            public virtual int Size { get; set; }
        }

        public sealed class Derived : Base
        {
            [System.Text.Json.Serialization.JsonPropertyName("count")]
            public int {|#0:Total|} { get; set; }

            public override int Size { get; set; } // the same member, overridden: no collision
        }
        """,
        new DiagnosticResult(DiagnosticDescriptors.DuplicatePropertyJsonName).WithLocation(0).WithArguments("Derived.Total", "count", "Base.Count", "count", "Derived", "IEvents.Changed"));

    [Fact]
    public Task A_route_constraint_not_built_into_ASP_NET_Core_warns_TSSE015() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream({|#0:"/posts/{slug:slug}/{id:int:min(1)}"|})]
        public interface IEvents { Task Changed(); }
        """,
        new DiagnosticResult(DiagnosticDescriptors.UnknownRouteConstraint).WithLocation(0).WithSeverity(DiagnosticSeverity.Error).WithArguments("slug", "slug", "/posts/{slug:slug}/{id:int:min(1)}", "IEvents"));

    [Fact]
    public Task A_route_default_that_its_constraint_rejects_is_TSSE007() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream({|#0:"/pages/{page:int=first}"|})]
        public interface IEvents { Task Changed(); }
        """,
        new DiagnosticResult(DiagnosticDescriptors.InvalidRoute).WithLocation(0).WithArguments(
            "/pages/{page:int=first}",
            "IEvents",
            "the default value 'first' of parameter 'page' is not a valid int32; routing would reject every URL that leaves the parameter out, so give a default that matches its constraint"));

    [Fact]
    public Task A_contract_extending_IDisposable_gets_TSSE003_on_its_base_list() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream("/e")]
        public interface IEvents : {|#0:IDisposable|} { Task Changed(); }
        """,
        new DiagnosticResult(DiagnosticDescriptors.InvalidReturnType).WithLocation(0).WithArguments("IDisposable.Dispose", "void"));

    [Fact]
    public Task A_diagnostic_on_an_inherited_member_points_at_that_member() => GeneratorTest.VerifyDiagnosticsAsync("""
        public interface IBase { Task Changed({|#0:ref|} int value); }

        [EventStream("/e")]
        public interface IEvents : IBase { Task Other(); }
        """,
        new DiagnosticResult(DiagnosticDescriptors.InvalidParameterModifier).WithLocation(0).WithArguments("value", "IBase.Changed", "ref"));

    [Fact]
    public Task A_redeclared_member_is_reported_on_the_contract_s_own_declaration() => GeneratorTest.VerifyDiagnosticsAsync("""
        public interface IBase { Task Changed(); }

        [EventStream("/e")]
        public interface IEvents : IBase { new Task {|#0:Changed|}(); }
        """,
        new DiagnosticResult(DiagnosticDescriptors.DuplicateEventName).WithLocation(0).WithArguments("changed", "IEvents.Changed", "IBase.Changed"));

    [Fact]
    public Task A_missing_interface_name_gives_only_the_compiler_s_error() => GeneratorTest.VerifyDiagnosticsAsync("""
        [EventStream("/e")]
        public interface {|CS1001:{|} Task Changed(); }
        """);

    [Fact]
    public void A_contract_with_an_unknown_type_generates_nothing_and_adds_no_error()
    {
        var run = GeneratorRunner.Run(GeneratorTest.Usings + """
            [EventStream("/e")]
            public interface IEvents { Task Changed(Missing value); Task Other(int x); }
            """);

        Assert.Empty(run.CSharpSources);
        Assert.Empty(run.TypeScriptFiles);
        Assert.Equal(["CS0246"], run.Output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.Id));
    }

    [Fact]
    public void A_contract_with_a_syntax_error_generates_nothing()
    {
        var run = GeneratorRunner.Run(GeneratorTest.Usings + """
            [EventStream("/e")]
            public interface IEvents { Task Changed(int ); Task Other(int x); }
            """);

        Assert.Empty(run.CSharpSources);
        Assert.Equal(["CS1001"], run.Output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.Id).Distinct());
    }

    [Fact]
    public void EventStream_on_two_parts_of_a_partial_interface_makes_one_contract()
    {
        var run = GeneratorRunner.Run(GeneratorTest.Usings + """
            [EventStream("/e")]
            public partial interface IEvents { Task A(); }

            [EventStream("/e")]
            public partial interface IEvents { Task B(int value); }
            """);

        Assert.Null(run.Generator.Exception);
        Assert.DoesNotContain(run.DriverDiagnostics.Concat(run.Output.GetDiagnostics()), static d => d.Id is "CS8785" or "CS8784");
        var contract = Assert.Single(run.Contracts);
        Assert.Equal(["a", "b"], contract.Events.Select(static e => e.EventName));
        Assert.Single(run.CSharpSources);

        // The duplicate attribute is the compiler's error, not a generator crash.
        Assert.Equal(["CS0579"], run.Output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.Id));
    }
}
