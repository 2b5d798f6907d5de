using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace TypedSse.Generator.Tests.Infrastructure;

/// <summary>
/// A test of the generator with Roslyn's testing library: sources with diagnostic markup (<c>{|TSSE014:a|}</c>), the
/// generated sources expected, and every diagnostic of the final compilation, generated code included, accounted for.
/// </summary>
internal sealed class GeneratorTest : CSharpSourceGeneratorTest<EventStreamGenerator, DefaultVerifier>
{
    public const string Usings = """
        #pragma warning disable CS1591
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using TypedSse;

        """;

    public GeneratorTest()
    {
        // The test process's own framework, ASP.NET Core and TypedSse, as GeneratorRunner compiles against: nothing
        // is resolved from a package feed.
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(GeneratorRunner.References);
    }

    /// <summary>Leaves the TypeScript carrier out, so that only the C# sources are compared.</summary>
    public GeneratorTest WithoutTypeScript()
    {
        TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nbuild_property.TypedSseTypeScript = false\n"));
        return this;
    }

    /// <summary>Checks the diagnostics only, not the generated sources.</summary>
    public GeneratorTest DiagnosticsOnly()
    {
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        return this;
    }

    /// <summary>Verifies <paramref name="markup"/> (after <see cref="Usings"/>) with only these diagnostics, beyond the markup's.</summary>
    public static Task VerifyDiagnosticsAsync(string markup, params DiagnosticResult[] expected)
    {
        var test = new GeneratorTest().DiagnosticsOnly();
        test.TestCode = Usings + markup;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    protected override CompilationOptions CreateCompilationOptions() =>
        ((CSharpCompilationOptions)base.CreateCompilationOptions())
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithAllowUnsafe(true)
            .WithGeneralDiagnosticOption(ReportDiagnostic.Error);

    protected override ParseOptions CreateParseOptions() => GeneratorRunner.ParseOptions;
}
