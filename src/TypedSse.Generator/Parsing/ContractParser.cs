using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSse.Generator.Diagnostics;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

/// <summary>Turns an <c>[EventStream]</c> interface into a <see cref="ContractModel"/> and diagnostics.</summary>
/// <remarks>
/// The parser never throws on half-typed code: error types map to "anything", a missing attribute argument yields no
/// contract (the compiler reports it), and every lookup tolerates nulls.
/// </remarks>
internal sealed partial class ContractParser
{
    private static readonly SymbolDisplayFormat TypeFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat TypeOfFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly CancellationToken _cancellationToken;
    private readonly DocComments _docs;
    private readonly PayloadTypeMapper _types;

    private readonly Compilation _compilation;
    private readonly SemanticModel _semanticModel;

    private ContractParser(SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        _semanticModel = semanticModel;
        _compilation = semanticModel.Compilation;
        _cancellationToken = cancellationToken;
        _docs = new DocComments(cancellationToken);
        _types = new PayloadTypeMapper(_diagnostics, _docs, cancellationToken);
    }

    /// <summary>Parses the contract, or reuses its last parse when the compilation changed nothing that parse read.</summary>
    public static ContractResult? Parse(GeneratorAttributeSyntaxContext context, ContractParseCache cache, CancellationToken cancellationToken)
    {
        // [EventStream] on a class or struct is already error CS0592 (AttributeTargets.Interface): nothing to add.
        if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Interface } contract
            || context.TargetNode is not InterfaceDeclarationSyntax declaration
            || context.Attributes.FirstOrDefault() is not { } attribute)
        {
            return null;
        }

        // A contract is one symbol, however many partial declarations carry the attribute (CS0579 when several do):
        // only the first attribute of the symbol makes a contract, so its generated file is added once.
        if (!HoldsFirstEventStreamAttribute(contract, declaration))
        {
            return null;
        }

        // While the name is still being typed (CS1001) there is no contract to speak of yet.
        if (declaration.Identifier.IsMissing || contract.Name.Length == 0)
        {
            return null;
        }

        var result = cache.GetOrParse(
            declaration,
            contract,
            context.SemanticModel.Compilation,
            () => new ContractParser(context.SemanticModel, cancellationToken).ParseContract(contract, declaration, attribute),
            cancellationToken);

        // The names the generated ones must avoid are any type of the namespace, declared in any file: looked up on
        // every run, since they are no part of what the parse reads.
        if (result?.Contract is { } model && NamespaceTypeNames(contract) is var names && !model.NamespaceTypeNames.Equals(names))
        {
            result = result with { Contract = model with { NamespaceTypeNames = names } };
        }

        return result;
    }

    private static bool HoldsFirstEventStreamAttribute(INamedTypeSymbol contract, InterfaceDeclarationSyntax declaration)
    {
        var first = contract.GetAttributes().FirstOrDefault(static a => TypeNames.Is(a, TypeNames.EventStreamAttribute))?.ApplicationSyntaxReference;
        return first is null || (first.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(first.Span));
    }

    private ContractResult? ParseContract(INamedTypeSymbol contract, InterfaceDeclarationSyntax declaration, AttributeData attribute)
    {
        // Without its route argument the attribute is already a compiler error.
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
        {
            return null;
        }

        var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) as AttributeSyntax;
        var identifier = LocationInfo.From(declaration.Identifier.GetLocation());
        var display = contract.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

        if (contract.IsGenericType || ContainingTypes(contract).Any(static t => t.IsGenericType))
        {
            Report(DiagnosticDescriptors.GenericContract, identifier, display);
        }

        var isPublic = CheckAccessibility(contract, identifier, display);

        var explicitName = attribute.NamedArguments.FirstOrDefault(static a => a.Key == "Name").Value;
        var streamName = Naming.StreamName(contract.Name, explicitName.Kind == TypedConstantKind.Primitive ? explicitName.Value as string : null);
        var streamNameLocation = LocationInfo.From(NamedArgument(attributeSyntax, "Name")) ?? identifier;
        if (string.IsNullOrWhiteSpace(streamName))
        {
            Report(DiagnosticDescriptors.InvalidStreamName, streamNameLocation, display);
        }

        var route = ParseRoute(attribute.ConstructorArguments[0].Value as string, attributeSyntax, display);
        var events = ParseEvents(contract, declaration);

        var diagnostics = _diagnostics.Distinct().ToEquatableArray();
        var model = diagnostics.Any(static d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error) || route is null
            || HasCompilerErrors(contract)
            ? null
            : new ContractModel
            {
                Namespace = TypeNames.NamespaceName(contract.ContainingNamespace),
                NamespaceTypeNames = EquatableArray<string>.Empty,
                InterfaceName = contract.Name,
                ContainingTypes = ContainingTypes(contract).Select(static t => t.Name).ToEquatableArray(),
                FullyQualifiedName = contract.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                Name = Naming.ContractName(contract.Name),
                StreamName = streamName,
                IsPublic = isPublic,
                Route = route,
                Events = events,
                Types = _types.Types,
                Documentation = _docs.Summary(contract),
            };

        return new ContractResult(model, diagnostics, new StreamNameUse(streamName, contract.ToDisplayString(), streamNameLocation));
    }

    // Code the compiler already rejects gets no generated code: it would only repeat the user's errors (CS1001,
    // CS0246) in files the user cannot edit. The checks are syntactic or look at types already bound, so are cheap.
    private bool HasCompilerErrors(INamedTypeSymbol contract)
    {
        foreach (var reference in contract.DeclaringSyntaxReferences)
        {
            var node = reference.GetSyntax(_cancellationToken);
            if (node.ContainsDiagnostics && node.GetDiagnostics().Any(static d => d.Severity == DiagnosticSeverity.Error))
            {
                return true;
            }
        }

        foreach (var @interface in new[] { contract }.Concat(contract.AllInterfaces))
        {
            if (@interface.Interfaces.Any(static i => i.TypeKind == TypeKind.Error))
            {
                return true;
            }

            foreach (var method in @interface.GetMembers().OfType<IMethodSymbol>())
            {
                if (ContainsErrorType(method.ReturnType) || method.Parameters.Any(static p => ContainsErrorType(p.Type)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool ContainsErrorType(ITypeSymbol type) => type switch
    {
        { TypeKind: TypeKind.Error } => true,
        IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrorType),
        _ => false,
    };

    // The names of the namespace's types that a generated type, named after the contract, could collide with.
    private static EquatableArray<string> NamespaceTypeNames(INamedTypeSymbol contract)
    {
        var prefix = string.Concat(ContainingTypes(contract).Select(static t => t.Name)) + Naming.ContractName(contract.Name);
        return contract.ContainingNamespace.GetTypeMembers()
            .Where(t => t.Arity == 0 && t.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(static t => t.Name)
            .Distinct()
            .OrderBy(static n => n, StringComparer.Ordinal)
            .ToEquatableArray();
    }

    private bool CheckAccessibility(INamedTypeSymbol contract, LocationInfo? location, string display)
    {
        var isPublic = true;
        for (INamedTypeSymbol? type = contract; type is not null; type = type.ContainingType)
        {
            if (type.IsFileLocal)
            {
                Report(
                    DiagnosticDescriptors.InaccessibleContract,
                    location,
                    display,
                    ReferenceEquals(type, contract) ? "file-local" : $"nested in the file-local type '{type.Name}'");
                return false;
            }

            switch (type.DeclaredAccessibility)
            {
                case Accessibility.Public:
                    break;
                case Accessibility.Internal or Accessibility.ProtectedOrInternal:
                    isPublic = false;
                    break;
                default:
                    var accessibility = Keyword(type.DeclaredAccessibility);
                    Report(
                        DiagnosticDescriptors.InaccessibleContract,
                        location,
                        display,
                        ReferenceEquals(type, contract) ? accessibility : $"nested in the {accessibility} type '{type.Name}'");
                    return false;
            }
        }

        return isPublic;
    }

    private RouteModel? ParseRoute(string? template, AttributeSyntax? attributeSyntax, string display)
    {
        var location = LocationInfo.From(attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault(static a => a.NameEquals is null)?.Expression)
            ?? LocationInfo.From(attributeSyntax);
        if (template is null)
        {
            Report(DiagnosticDescriptors.InvalidRoute, location, "null", display, "it is null; pass a route such as \"/events\"");
            return null;
        }

        var route = RouteTemplateParser.Parse(template, out var error);
        if (route is null)
        {
            Report(DiagnosticDescriptors.InvalidRoute, location, template, display, error ?? "it cannot be parsed");
            return null;
        }

        foreach (var parameter in route.Parameters)
        {
            foreach (var constraint in parameter.Constraints)
            {
                var name = RouteTemplateParser.ConstraintName(constraint);
                if (!RouteTemplateParser.IsBuiltInConstraint(name))
                {
                    Report(DiagnosticDescriptors.UnknownRouteConstraint, location, name, parameter.Name, template, display);
                }
            }
        }

        return route;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArgs) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, messageArgs));

    private static IEnumerable<INamedTypeSymbol> ContainingTypes(INamedTypeSymbol type)
    {
        var types = new List<INamedTypeSymbol>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            types.Insert(0, outer);
        }

        return types;
    }

    private static ExpressionSyntax? NamedArgument(AttributeSyntax? attribute, string name) =>
        attribute?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.Expression;

    private static string Keyword(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.Internal => "internal",
        _ => "public",
    };
}
