using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSse.Generator.Diagnostics;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

// Objects: the properties System.Text.Json writes, as the JSON attributes on them say.
internal sealed partial class PayloadTypeMapper
{
    private TypeModel DescribeObject(INamedTypeSymbol type, string id, Site site)
    {
        // System.Text.Json's rule: properties are told apart by JSON name, the most derived one wins. A base member
        // overridden or hidden under another JSON name is written as well, under its own name; one hidden by an
        // ignored member of the same name and type is not. Two members of other names under one JSON name make it
        // throw; under the web defaults (PropertyNameCaseInsensitive) names that differ only in case do too.
        var properties = new List<(PropertyModel Model, int Order)>();
        var jsonNames = new Dictionary<string, (ISymbol Member, LocationInfo? Location)>(StringComparer.OrdinalIgnoreCase);
        var ignored = new List<ISymbol>();
        var numberHandling = NumberHandlingOf(type.GetAttributes());
        for (var current = type; current is not null && !IsRoot(current); current = current.BaseType)
        {
            var declared = new List<(PropertyModel, int)>();
            foreach (var member in current.GetMembers())
            {
                if (member.IsStatic || member is not (IPropertySymbol or IFieldSymbol) || ignored.Any(i => HidesIgnored(i, member)))
                {
                    continue;
                }

                switch (DescribeProperty(type, member, numberHandling, site))
                {
                    case { Ignored: true }:
                        ignored.Add(member);
                        break;
                    case { Model: { } model } property:
                        if (!jsonNames.TryGetValue(model.JsonName, out var taken))
                        {
                            jsonNames.Add(model.JsonName, (member, LocationInfo.From(member) ?? site.Location));
                            declared.Add((model, property.Order ?? 0));
                        }
                        else if (taken.Member.Name != member.Name || SymbolEqualityComparer.Default.Equals(taken.Member.ContainingType, current))
                        {
                            ReportJsonNameCollision(type, member, model.JsonName, taken.Member, taken.Location, site);
                        }

                        break;
                }
            }

            // Base members first, then [JsonPropertyOrder]. Reflection-based System.Text.Json writes derived members
            // first; the order only changes how the TypeScript interface reads, never its shape.
            properties.InsertRange(0, declared);
        }

        var ordered = properties.Select((p, index) => (p.Model, p.Order, index)).OrderBy(static p => p.Order).ThenBy(static p => p.index).Select(static p => p.Model);
        if (type.TypeKind == TypeKind.Interface)
        {
            // An interface has no base type: its inherited interfaces contribute their properties.
            var interfaceNames = new HashSet<string>(jsonNames.Keys, StringComparer.Ordinal);
            ordered = ordered.Concat(type.AllInterfaces.SelectMany(i => i.GetMembers())
                .Where(static m => !m.IsStatic)
                .Select(m => DescribeProperty(type, m, numberHandling, site)?.Model)
                .Where(p => p is not null && interfaceNames.Add(p.JsonName))
                .Select(static p => p!));
        }

        return Describe(type, id, TypeModelKind.Object) with
        {
            TypeParameters = type.TypeParameters.Select(static p => p.Name).ToEquatableArray(),
            Properties = ordered.ToEquatableArray(),
            Polymorphism = DescribePolymorphism(type, site),
        };
    }

    // Of two colliding members, the one to change is the later one of a type, or else the derived one (the base may
    // serve other types) when it is in source.
    private void ReportJsonNameCollision(INamedTypeSymbol owner, ISymbol member, string jsonName, ISymbol taken, LocationInfo? takenLocation, Site site)
    {
        var derivedFirst = !SymbolEqualityComparer.Default.Equals(member.ContainingType, taken.ContainingType) && takenLocation is not null;
        var (offending, offendingName, other, otherName) = derivedFirst
            ? (taken, JsonNameOf(taken), member, jsonName)
            : (member, jsonName, taken, JsonNameOf(taken));
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.DuplicatePropertyJsonName,
            derivedFirst ? takenLocation : LocationInfo.From(member) ?? takenLocation ?? site.Location,
            offending.ContainingType.Name + "." + offending.Name,
            offendingName,
            other.ContainingType.Name + "." + other.Name,
            otherName,
            owner.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
            site.Event));
    }

    /// <summary>The name System.Text.Json writes a member under: <c>[JsonPropertyName]</c>, else the camelCase member name.</summary>
    private static string JsonNameOf(ISymbol member) =>
        member.GetAttributes().FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonPropertyNameAttribute))?.ConstructorArguments.FirstOrDefault().Value as string
            ?? Naming.CamelCase(member.Name);

    // A base member of the same name and type as an ignored derived one is that member, overridden or hidden.
    private static bool HidesIgnored(ISymbol ignored, ISymbol member) =>
        ignored.Name == member.Name && SymbolEqualityComparer.Default.Equals(MemberType(ignored), MemberType(member));

    private static ITypeSymbol? MemberType(ISymbol member) => member switch
    {
        IPropertySymbol property => property.Type,
        IFieldSymbol field => field.Type,
        _ => null,
    };

    /// <summary>The member as System.Text.Json writes it; <c>Ignored</c> when <c>[JsonIgnore]</c> keeps it from ever being written.</summary>
    private DescribedProperty? DescribeProperty(INamedTypeSymbol owner, ISymbol member, int? ownerNumberHandling, Site site)
    {
        ITypeSymbol memberType;
        NullableAnnotation annotation;
        switch (member)
        {
            case IPropertySymbol { IsIndexer: false } property:
                memberType = property.Type;
                annotation = property.NullableAnnotation;
                break;
            case IFieldSymbol { IsConst: false, AssociatedSymbol: null } field:
                memberType = field.Type;
                annotation = field.NullableAnnotation;
                break;
            default:
                return null;
        }

        var attributes = member.GetAttributes();
        var include = attributes.Any(static a => TypeNames.Is(a, TypeNames.JsonIncludeAttribute));
        var readable = member switch
        {
            IPropertySymbol p => p.DeclaredAccessibility == Accessibility.Public && p.GetMethod is { DeclaredAccessibility: Accessibility.Public },
            _ => false, // fields are written only with [JsonInclude]
        };

        if (!readable && !include)
        {
            return null;
        }

        var isOptional = false;
        switch (IgnoreConditionOf(attributes))
        {
            case JsonIgnoreCondition.Always or JsonIgnoreCondition.WhenWriting:
                return new DescribedProperty(null, null, Ignored: true);
            case JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault:
                isOptional = true;
                break;
        }

        var display = owner.Name + "." + member.Name;
        var memberSite = new Site(site.Event, $"property '{display}'", LocationInfo.From(member) ?? site.Location);
        var stringEnum = IsStringEnum(attributes, memberType);
        var type = HasCustomConverter(attributes)
            ? TypeRef.Any(annotation != NullableAnnotation.NotAnnotated)
            : WithNumberHandling(Map(memberType, annotation, memberSite, stringEnum), NumberHandlingOf(attributes) ?? ownerNumberHandling);

        var jsonName = JsonNameOf(member);
        var order = attributes.FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonPropertyOrderAttribute))?.ConstructorArguments.FirstOrDefault().Value as int?;
        var documentation = _docs.Summary(member)
            ?? (member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is ParameterSyntax
                ? _docs.Parameter(member.ContainingType, member.Name)
                : null);

        return new DescribedProperty(new PropertyModel
        {
            Name = member.Name,
            JsonName = jsonName,
            Type = type,
            IsRequired = member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }
                || attributes.Any(static a => TypeNames.Is(a, TypeNames.JsonRequiredAttribute)),
            IsOptional = isOptional,
            IsExtensionData = attributes.Any(static a => TypeNames.Is(a, TypeNames.JsonExtensionDataAttribute)),
            Documentation = documentation,
        }, order, Ignored: false);
    }

    private static bool IsRoot(INamedTypeSymbol type) =>
        type.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum;

    private sealed record DescribedProperty(PropertyModel? Model, int? Order, bool Ignored);
}
