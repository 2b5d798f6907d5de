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
        // ignored member of the same name and type is not.
        var properties = new List<(PropertyModel Model, int Order)>();
        var jsonNames = new HashSet<string>(StringComparer.Ordinal);
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
                    case { Model: { } model } property when jsonNames.Add(model.JsonName):
                        declared.Add((model, property.Order ?? 0));
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
            ordered = ordered.Concat(type.AllInterfaces.SelectMany(i => i.GetMembers())
                .Where(static m => !m.IsStatic)
                .Select(m => DescribeProperty(type, m, numberHandling, site)?.Model)
                .Where(p => p is not null && jsonNames.Add(p.JsonName))
                .Select(static p => p!));
        }

        return Describe(type, id, TypeModelKind.Object) with
        {
            TypeParameters = type.TypeParameters.Select(static p => p.Name).ToEquatableArray(),
            Properties = ordered.ToEquatableArray(),
            Polymorphism = DescribePolymorphism(type, site),
        };
    }

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

        var jsonName = attributes.FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonPropertyNameAttribute))?.ConstructorArguments.FirstOrDefault().Value as string
            ?? Naming.CamelCase(member.Name);
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
