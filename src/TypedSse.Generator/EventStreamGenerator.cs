using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSse.Generator.Diagnostics;
using TypedSse.Generator.Emitting.CSharp;
using TypedSse.Generator.Emitting.DotNetClient;
using TypedSse.Generator.Emitting.TypeScript;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Parsing;

namespace TypedSse.Generator;

/// <summary>Turns each <c>[EventStream]</c> interface into a typed sender, an endpoint mapping and a typed route scope.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class EventStreamGenerator : IIncrementalGenerator
{
    // Roslyn reruns the attribute transform for every contract on every compilation change; the cache lets an edit
    // that touches nothing a contract's parse read reuse that parse (ContractParseCache).
    internal ContractParseCache ParseCache { get; } = new();

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var cache = ParseCache;
        var results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                TypeNames.EventStreamAttribute,
                static (node, _) => node is InterfaceDeclarationSyntax,
                (context, cancellationToken) => ContractParser.Parse(context, cache, cancellationToken))
            .Where(static result => result is not null)
            .Select(static (result, _) => result!)
            .WithTrackingName(TrackingNames.ParseContracts);

        var contracts = results
            .Select(static (result, _) => result.Contract)
            .Where(static contract => contract is not null)
            .Select(static (contract, _) => contract!)
            .WithTrackingName(TrackingNames.Contracts);

        var diagnostics = results
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        var streamNames = results
            .Select(static (result, _) => result.StreamName)
            .Where(static use => use is not null)
            .Select(static (use, _) => use!)
            .Collect()
            .Select(static (uses, _) => uses.ToEquatableArray())
            .WithTrackingName(TrackingNames.StreamNames);

        // Generated names depend on every contract of the compilation, so they are given out together; each named
        // contract is then its own item, and an unchanged one is not emitted again.
        var named = contracts
            .Collect()
            .Select(static (all, _) => CSharpNames.Assign(all))
            .WithTrackingName(TrackingNames.NamedContracts)
            .SelectMany(static (all, _) => all);

        // A compilation that references the .NET client but not the server runtime (a console app) gets the client
        // only; a server project gets the client too when it sets TypedSseDotNetClient (for its own tests, say).
        var targets = context.CompilationProvider
            .Select(static (compilation, _) => EmitTargets.Of(compilation))
            .Combine(context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.TypedSseDotNetClient", out var value)
                && string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase)))
            .Select(static (input, _) => input.Left with { DotNetClient = input.Left.DotNetClient || input.Right });

        context.RegisterSourceOutput(named.Combine(targets), static (output, input) =>
        {
            var (contract, emit) = input;
            if (emit.Sender)
            {
                output.AddSource(contract.Names.HintName, ContractEmitter.Emit(contract));
            }

            if (emit.DotNetClient)
            {
                output.AddSource(DotNetClientEmitter.HintName(contract.Names), DotNetClientEmitter.Emit(contract));
            }
        });

        // The TypeScript clients travel inside the assembly, where the TypedSse MSBuild targets read them after the
        // build and write them to disk: a generator must not write files itself.
        var typeScriptEnabled = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => !options.GlobalOptions.TryGetValue("build_property.TypedSseTypeScript", out var value)
                || !string.Equals(value.Trim(), "false", StringComparison.OrdinalIgnoreCase));
        var typeScript = contracts
            .Collect()
            .Combine(typeScriptEnabled)
            .Select(static (input, _) => input.Right ? TypeScriptEmitter.Emit(input.Left) : EquatableArray<TypeScriptFile>.Empty)
            .WithTrackingName(TrackingNames.TypeScript);

        context.RegisterSourceOutput(typeScript, static (output, files) =>
        {
            if (files.Count > 0)
            {
                output.AddSource(TypeScriptCarrier.HintName, TypeScriptCarrier.Emit(files));
            }
        });

        // Diagnostics meet the compilation only here, at the end of the pipeline, to be reported on its syntax trees:
        // a location in a tree (unlike a bare file path) honours #pragma warning disable and editor config severity.
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (output, input) =>
            Report(output, input.Right, input.Left));

        // Contexts whose options change payload JSON, reported only in a project with contracts.
        var jsonContextOptions = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                TypeNames.JsonSourceGenerationOptionsAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                JsonContextOptionsParser.Parse)
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!)
            .Collect()
            .Combine(contracts.Collect().Select(static (all, _) => all.Length > 0))
            .Select(static (input, _) => input.Right ? input.Left.ToEquatableArray() : EquatableArray<DiagnosticInfo>.Empty)
            .WithTrackingName(TrackingNames.JsonContextOptions);

        context.RegisterSourceOutput(jsonContextOptions.Combine(context.CompilationProvider), static (output, input) =>
            Report(output, input.Right, input.Left));

        context.RegisterSourceOutput(streamNames.Combine(context.CompilationProvider), static (output, input) =>
            Report(output, input.Right, DuplicateStreamNames(input.Left).ToEquatableArray()));
    }

    private static void Report(SourceProductionContext output, Compilation compilation, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic(compilation));
        }
    }

    private static IEnumerable<DiagnosticInfo> DuplicateStreamNames(EquatableArray<StreamNameUse> uses)
    {
        var ordered = uses
            .OrderBy(static u => u.Location?.FilePath, StringComparer.Ordinal)
            .ThenBy(static u => u.Location?.TextSpan.Start)
            .ThenBy(static u => u.Contract, StringComparer.Ordinal);
        var first = new Dictionary<string, StreamNameUse>(StringComparer.Ordinal);
        foreach (var use in ordered)
        {
            if (first.TryGetValue(use.StreamName, out var previous))
            {
                yield return DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateStreamName, use.Location, use.StreamName, use.Contract, previous.Contract);
            }
            else
            {
                first.Add(use.StreamName, use);
            }
        }
    }
}
