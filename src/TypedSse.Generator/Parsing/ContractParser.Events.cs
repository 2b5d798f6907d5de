using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSse.Generator.Diagnostics;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

internal sealed partial class ContractParser
{
    private EquatableArray<EventModel> ParseEvents(INamedTypeSymbol contract, InterfaceDeclarationSyntax declaration)
    {
        var events = new List<EventModel>();
        var byName = new Dictionary<string, (string Display, bool Own, LocationInfo? Location)>(System.StringComparer.Ordinal);
        foreach (var @interface in new[] { contract }.Concat(contract.AllInterfaces))
        {
            var fallback = ReferenceEquals(@interface, contract) ? null : BaseListLocation(contract, @interface, declaration);
            foreach (var member in @interface.GetMembers())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (ParseMember(@interface, member, fallback) is not { } model)
                {
                    continue;
                }

                var display = @interface.Name + "." + member.Name;
                if (InvalidEventNameReason(model.Event.EventName) is not null)
                {
                    continue; // already reported as invalid
                }

                var own = ReferenceEquals(@interface, contract);
                if (byName.TryGetValue(model.Event.EventName, out var previous))
                {
                    // Of a member the contract declares and one it inherits, the user changes the contract's own: the
                    // inherited interface may serve other contracts.
                    if (previous.Own && !own)
                    {
                        Report(DiagnosticDescriptors.DuplicateEventName, previous.Location, model.Event.EventName, previous.Display, display);
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.DuplicateEventName, model.NameLocation, model.Event.EventName, display, previous.Display);
                    }

                    continue;
                }

                byName.Add(model.Event.EventName, (display, own, model.NameLocation));
                events.Add(model.Event);
            }
        }

        return events.ToEquatableArray();
    }

    // Where the contract brings in an inherited interface that is not in source (IDisposable): the entry of the base
    // list that names it, or names the interface it comes through; else the contract's name.
    private LocationInfo? BaseListLocation(INamedTypeSymbol contract, INamedTypeSymbol inherited, InterfaceDeclarationSyntax declaration)
    {
        if (declaration.BaseList is not { } baseList)
        {
            return LocationInfo.From(declaration.Identifier.GetLocation());
        }

        foreach (var entry in baseList.Types)
        {
            if (_semanticModel.GetTypeInfo(entry.Type, _cancellationToken).Type is INamedTypeSymbol named
                && (SymbolEqualityComparer.Default.Equals(named, inherited) || named.AllInterfaces.Contains(inherited, SymbolEqualityComparer.Default)))
            {
                return LocationInfo.From(entry);
            }
        }

        return LocationInfo.From(declaration.Identifier.GetLocation());
    }

    private (EventModel Event, LocationInfo? NameLocation)? ParseMember(INamedTypeSymbol @interface, ISymbol member, LocationInfo? fallback)
    {
        var location = LocationInfo.From(member) ?? fallback;
        var display = @interface.Name + "." + member.Name;
        switch (member)
        {
            // A private or sealed method with a body is a helper of the interface: the sender cannot implement it.
            case IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false, IsAbstract: false, IsVirtual: false }:
                return null;
            case IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method:
                return ParseEvent(@interface, method, display, fallback);
            case IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.UserDefinedOperator or MethodKind.Conversion, IsStatic: true }:
                Report(DiagnosticDescriptors.UnsupportedContractMember, location, display, "a static method");
                return null;
            case IPropertySymbol { IsIndexer: true }:
                Report(DiagnosticDescriptors.UnsupportedContractMember, location, display, "an indexer");
                return null;
            case IPropertySymbol:
                Report(DiagnosticDescriptors.UnsupportedContractMember, location, display, "a property");
                return null;
            case IEventSymbol:
                Report(DiagnosticDescriptors.UnsupportedContractMember, location, display, "an event");
                return null;
            default:
                return null; // accessors, nested types and constants are no events and harm nothing
        }
    }

    private (EventModel Event, LocationInfo? NameLocation)? ParseEvent(INamedTypeSymbol @interface, IMethodSymbol method, string display, LocationInfo? fallback)
    {
        var syntax = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as MethodDeclarationSyntax;
        var methodLocation = LocationInfo.From(method) ?? fallback;

        if (method.IsGenericMethod)
        {
            Report(DiagnosticDescriptors.GenericEventMethod, methodLocation, display);
        }

        var returnKind = ReturnKind(method.ReturnType);
        if (returnKind is null && method.ReturnType is not IErrorTypeSymbol)
        {
            Report(
                DiagnosticDescriptors.InvalidReturnType,
                LocationInfo.From(syntax?.ReturnType) ?? methodLocation,
                display,
                method.ReturnType.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat));
        }

        var (eventName, nameLocation) = EventName(method, methodLocation);
        if (InvalidEventNameReason(eventName) is { } reason)
        {
            Report(DiagnosticDescriptors.InvalidEventName, nameLocation, eventName ?? "null", display, reason);
        }

        var parameters = new List<ParameterModel>();
        string? cancellationToken = null;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            if (Modifier(parameter) is { } modifier)
            {
                var parameterSyntax = parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as ParameterSyntax;
                var modifierToken = parameterSyntax?.Modifiers.FirstOrDefault(m => m.ValueText == modifier);
                Report(
                    DiagnosticDescriptors.InvalidParameterModifier,
                    modifierToken is { } token && token.RawKind != 0 ? LocationInfo.From(token.GetLocation()) : LocationInfo.From(parameter) ?? methodLocation,
                    parameter.Name,
                    display,
                    modifier);
                continue;
            }

            if (i == method.Parameters.Length - 1 && TypeNames.Is(parameter.Type, TypeNames.CancellationToken))
            {
                cancellationToken = parameter.Name;
                continue;
            }

            parameters.Add(new ParameterModel
            {
                Name = parameter.Name,
                JsonName = Naming.CamelCase(parameter.Name),
                CSharpType = parameter.Type.ToDisplayString(TypeFormat),
                CSharpTypeOf = WithoutDynamic(parameter.Type).WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeOfFormat),
                Type = _types.MapParameter(parameter, display, methodLocation),
                Documentation = _docs.Parameter(method, parameter.Name),
            });
        }

        ReportDuplicateJsonNames(method, parameters, display, methodLocation);

        var model = new EventModel
        {
            MethodName = method.Name,
            DeclaringInterface = @interface.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            EventName = eventName ?? string.Empty,
            ReturnKind = returnKind ?? EventReturnKind.Task,
            Parameters = parameters.ToEquatableArray(),
            CancellationTokenParameter = cancellationToken,
            Documentation = _docs.Summary(method),
        };

        return (model, nameLocation);
    }

    // Two parameters whose JSON names coincide (a and A) would write one key twice in the object payload.
    private void ReportDuplicateJsonNames(IMethodSymbol method, List<ParameterModel> parameters, string display, LocationInfo? methodLocation)
    {
        if (parameters.Count < 2)
        {
            return;
        }

        var first = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            if (first.TryGetValue(parameter.JsonName, out var previous))
            {
                var symbol = method.Parameters.First(p => p.Name == parameter.Name);
                Report(DiagnosticDescriptors.DuplicateParameterJsonName, LocationInfo.From(symbol) ?? methodLocation, parameter.Name, previous, display, parameter.JsonName);
            }
            else
            {
                first.Add(parameter.JsonName, parameter.Name);
            }
        }
    }

    // typeof cannot name dynamic (CS1962), not even as a type argument; its runtime type is object.
    private ITypeSymbol WithoutDynamic(ITypeSymbol type) => type switch
    {
        IDynamicTypeSymbol => _compilation.ObjectType,
        IArrayTypeSymbol array => _compilation.CreateArrayTypeSymbol(WithoutDynamic(array.ElementType), array.Rank),
        INamedTypeSymbol { IsGenericType: true, IsUnboundGenericType: false } named when named.TypeArguments.Any(ContainsDynamic) =>
            named.OriginalDefinition.Construct(named.TypeArguments.Select(WithoutDynamic).ToArray()),
        _ => type,
    };

    private static bool ContainsDynamic(ITypeSymbol type) => type switch
    {
        IDynamicTypeSymbol => true,
        IArrayTypeSymbol array => ContainsDynamic(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsDynamic),
        _ => false,
    };

    private (string? Name, LocationInfo? Location) EventName(IMethodSymbol method, LocationInfo? methodLocation)
    {
        var attribute = method.GetAttributes().FirstOrDefault(static a => TypeNames.Is(a, TypeNames.EventNameAttribute));
        if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
        {
            return (Naming.EventName(method.Name), methodLocation);
        }

        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) as AttributeSyntax;
        var location = LocationInfo.From(syntax?.ArgumentList?.Arguments.FirstOrDefault()?.Expression) ?? LocationInfo.From(syntax) ?? methodLocation;
        return (attribute.ConstructorArguments[0].Value as string, location);
    }

    private static string? InvalidEventNameReason(string? name) => name switch
    {
        null => "is null",
        "" => "is empty",
        _ when name.IndexOfAny(new[] { '\r', '\n' }) >= 0 => "contains a line break",
        _ when name.IndexOf(':') >= 0 => "contains ':'",
        _ => null,
    };

    private static EventReturnKind? ReturnKind(ITypeSymbol type) => type switch
    {
        _ when TypeNames.Is(type, TypeNames.Task) => EventReturnKind.Task,
        _ when TypeNames.Is(type, TypeNames.ValueTask) => EventReturnKind.ValueTask,
        _ => null,
    };

    private static string? Modifier(IParameterSymbol parameter) => parameter switch
    {
        { IsParams: true } => "params",
        { RefKind: RefKind.Ref } => "ref",
        { RefKind: RefKind.Out } => "out",
        { RefKind: RefKind.In } => "in",
        { RefKind: RefKind.RefReadOnlyParameter } => "ref readonly",
        _ => null,
    };
}
