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
    private readonly PayloadTypeMapper _types;

    private ContractParser(CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _types = new PayloadTypeMapper(_diagnostics, cancellationToken);
    }

    public static ContractResult? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        // [EventStream] on a class or struct is already error CS0592 (AttributeTargets.Interface): nothing to add.
        if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Interface } contract
            || context.TargetNode is not InterfaceDeclarationSyntax declaration
            || context.Attributes.FirstOrDefault() is not { } attribute)
        {
            return null;
        }

        return new ContractParser(cancellationToken).ParseContract(contract, declaration, attribute);
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
        var events = ParseEvents(contract, display);

        var diagnostics = _diagnostics.Distinct().ToEquatableArray();
        var model = diagnostics.Any(static d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error) || route is null
            ? null
            : new ContractModel
            {
                Namespace = KnownTypes.NamespaceName(contract.ContainingNamespace),
                InterfaceName = contract.Name,
                ContainingTypes = ContainingTypes(contract).Select(static t => t.Name).ToEquatableArray(),
                FullyQualifiedName = contract.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                Name = Naming.ContractName(contract.Name),
                StreamName = streamName,
                IsPublic = isPublic,
                Route = route,
                Events = events,
                Types = _types.Types,
                Documentation = DocComments.Summary(contract, _cancellationToken),
            };

        return new ContractResult(model, diagnostics, new StreamNameUse(streamName, contract.ToDisplayString(), streamNameLocation));
    }

    private bool CheckAccessibility(INamedTypeSymbol contract, LocationInfo? location, string display)
    {
        var isPublic = true;
        for (INamedTypeSymbol? type = contract; type is not null; type = type.ContainingType)
        {
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
