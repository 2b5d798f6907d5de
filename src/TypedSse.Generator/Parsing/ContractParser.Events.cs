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
    private EquatableArray<EventModel> ParseEvents(INamedTypeSymbol contract, string contractDisplay)
    {
        var events = new List<EventModel>();
        var byName = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (var @interface in new[] { contract }.Concat(contract.AllInterfaces))
        {
            foreach (var member in @interface.GetMembers())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (ParseMember(@interface, member, contractDisplay) is not { } model)
                {
                    continue;
                }

                var display = @interface.Name + "." + member.Name;
                if (InvalidEventNameReason(model.Event.EventName) is not null)
                {
                    continue; // already reported as invalid
                }

                if (byName.TryGetValue(model.Event.EventName, out var previous))
                {
                    Report(DiagnosticDescriptors.DuplicateEventName, model.NameLocation, model.Event.EventName, display, previous);
                    continue;
                }

                byName.Add(model.Event.EventName, display);
                events.Add(model.Event);
            }
        }

        return events.ToEquatableArray();
    }

    private (EventModel Event, LocationInfo? NameLocation)? ParseMember(INamedTypeSymbol @interface, ISymbol member, string contractDisplay)
    {
        var location = LocationInfo.From(member);
        var display = @interface.Name + "." + member.Name;
        switch (member)
        {
            case IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false } method:
                return ParseEvent(@interface, method, display);
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

    private (EventModel Event, LocationInfo? NameLocation)? ParseEvent(INamedTypeSymbol @interface, IMethodSymbol method, string display)
    {
        var syntax = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as MethodDeclarationSyntax;
        var methodLocation = LocationInfo.From(method);

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
                    modifierToken is { } token && token.RawKind != 0 ? LocationInfo.From(token.GetLocation()) : LocationInfo.From(parameter),
                    parameter.Name,
                    display,
                    modifier);
                continue;
            }

            if (i == method.Parameters.Length - 1 && KnownTypes.Is(parameter.Type, "System.Threading", "CancellationToken"))
            {
                cancellationToken = parameter.Name;
                continue;
            }

            parameters.Add(new ParameterModel
            {
                Name = parameter.Name,
                JsonName = Naming.CamelCase(parameter.Name),
                CSharpType = parameter.Type.ToDisplayString(TypeFormat),
                CSharpTypeOf = parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeOfFormat),
                Type = _types.MapParameter(parameter, display),
                Documentation = DocComments.Parameter(method, parameter.Name, _cancellationToken),
            });
        }

        var model = new EventModel
        {
            MethodName = method.Name,
            DeclaringInterface = @interface.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            EventName = eventName ?? string.Empty,
            ReturnKind = returnKind ?? EventReturnKind.Task,
            Parameters = parameters.ToEquatableArray(),
            CancellationTokenParameter = cancellationToken,
            Documentation = DocComments.Summary(method, _cancellationToken),
        };

        return (model, nameLocation);
    }

    private (string? Name, LocationInfo? Location) EventName(IMethodSymbol method, LocationInfo? methodLocation)
    {
        var attribute = method.GetAttributes().FirstOrDefault(static a => KnownTypes.IsTypedSseAttribute(a, "EventNameAttribute"));
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
        _ when KnownTypes.Is(type, "System.Threading.Tasks", "Task") => EventReturnKind.Task,
        _ when KnownTypes.Is(type, "System.Threading.Tasks", "ValueTask") => EventReturnKind.ValueTask,
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
