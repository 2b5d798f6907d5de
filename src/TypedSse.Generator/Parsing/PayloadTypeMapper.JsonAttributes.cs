using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

// What the System.Text.Json attributes on a type or member say about its JSON: converters, ignore conditions, number handling.
internal sealed partial class PayloadTypeMapper
{
    private static bool IsStringEnum(IEnumerable<AttributeData> attributes, ITypeSymbol type)
    {
        var isEnum = type.TypeKind == TypeKind.Enum
            || type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable && nullable.TypeArguments[0].TypeKind == TypeKind.Enum;
        return isEnum && attributes.Any(static a => IsStringEnumConverter(ConverterType(a)));
    }

    // A [JsonConverter] other than JsonStringEnumConverter: the JSON shape is whatever that converter writes.
    private static bool HasCustomConverter(IEnumerable<AttributeData> attributes) =>
        attributes.Any(a => ConverterType(a) is { } converter && !IsStringEnumConverter(converter));

    private static INamedTypeSymbol? ConverterType(AttributeData attribute) =>
        TypeNames.Is(attribute, TypeNames.JsonConverterAttribute) && attribute.ConstructorArguments.Length == 1
            ? attribute.ConstructorArguments[0].Value as INamedTypeSymbol
            : null;

    private static bool IsStringEnumConverter(INamedTypeSymbol? converter) =>
        converter is not null
        && (TypeNames.Is(converter.OriginalDefinition, TypeNames.JsonStringEnumConverter)
            || TypeNames.Is(converter.OriginalDefinition, TypeNames.JsonStringEnumConverterOfT));

    // System.Text.Json's JsonIgnoreCondition, by value.
    private enum JsonIgnoreCondition
    {
        Never = 0,
        Always = 1,
        WhenWritingDefault = 2,
        WhenWritingNull = 3,
        WhenWriting = 4,
        WhenReading = 5,
    }

    // System.Text.Json's JsonNumberHandling flags that change what is written; AllowReadingFromString (1) only reads.
    private const int WriteAsString = 2;
    private const int AllowNamedFloatingPointLiterals = 4;

    private static JsonIgnoreCondition? IgnoreConditionOf(IEnumerable<AttributeData> attributes) =>
        attributes.FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonIgnoreAttribute)) is { } ignore
            ? (JsonIgnoreCondition)(ignore.NamedArguments.FirstOrDefault(static a => a.Key == "Condition").Value.Value as int? ?? (int)JsonIgnoreCondition.Always)
            : null;

    /// <summary>The flags of <c>[JsonNumberHandling]</c> on a type or member, null without one.</summary>
    private static int? NumberHandlingOf(IEnumerable<AttributeData> attributes) =>
        attributes.FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonNumberHandlingAttribute))?.ConstructorArguments.FirstOrDefault().Value as int?;

    /// <summary>
    /// The shape of a member's value under its number handling, which reaches into the elements of its arrays and the
    /// values of its dictionaries, but not into the properties of other objects (they follow their own).
    /// </summary>
    private static TypeRef WithNumberHandling(TypeRef type, int? handling)
    {
        if (handling is not { } flags || (flags & (WriteAsString | AllowNamedFloatingPointLiterals)) == 0)
        {
            return type;
        }

        switch (type.Kind)
        {
            case TypeRefKind.Primitive when type.Primitive == JsonPrimitive.Number:
                if ((flags & WriteAsString) != 0)
                {
                    return type with { Primitive = JsonPrimitive.String };
                }

                return type.Format is PrimitiveFormats.Single or PrimitiveFormats.Double or PrimitiveFormats.Half
                    ? type with { NamedFloatingPointLiterals = true }
                    : type;
            case TypeRefKind.Array:
                return type with { Arguments = type.Arguments.Select(a => WithNumberHandling(a, flags)).ToEquatableArray() };
            case TypeRefKind.Dictionary:
                return type with { Arguments = new[] { type.Arguments[0], WithNumberHandling(type.Arguments[1], flags) }.ToEquatableArray() };
            default:
                return type;
        }
    }
}
