using Microsoft.CodeAnalysis;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

// Primitives: the BCL types System.Text.Json writes as one JSON string, number or boolean.
internal sealed partial class PayloadTypeMapper
{
    private static TypeRef? Primitive(INamedTypeSymbol type, bool nullable)
    {
        (JsonPrimitive Primitive, string Format)? shape = type.SpecialType switch
        {
            SpecialType.System_String => (JsonPrimitive.String, PrimitiveFormats.String),
            SpecialType.System_Char => (JsonPrimitive.String, PrimitiveFormats.Char),
            SpecialType.System_Boolean => (JsonPrimitive.Boolean, PrimitiveFormats.Boolean),
            SpecialType.System_Byte => (JsonPrimitive.Number, PrimitiveFormats.Byte),
            SpecialType.System_SByte => (JsonPrimitive.Number, PrimitiveFormats.SByte),
            SpecialType.System_Int16 => (JsonPrimitive.Number, PrimitiveFormats.Int16),
            SpecialType.System_UInt16 => (JsonPrimitive.Number, PrimitiveFormats.UInt16),
            SpecialType.System_Int32 => (JsonPrimitive.Number, PrimitiveFormats.Int32),
            SpecialType.System_UInt32 => (JsonPrimitive.Number, PrimitiveFormats.UInt32),
            SpecialType.System_Int64 => (JsonPrimitive.Number, PrimitiveFormats.Int64),
            SpecialType.System_UInt64 => (JsonPrimitive.Number, PrimitiveFormats.UInt64),
            SpecialType.System_Single => (JsonPrimitive.Number, PrimitiveFormats.Single),
            SpecialType.System_Double => (JsonPrimitive.Number, PrimitiveFormats.Double),
            SpecialType.System_Decimal => (JsonPrimitive.Number, PrimitiveFormats.Decimal),
            SpecialType.System_DateTime => (JsonPrimitive.String, PrimitiveFormats.DateTime),
            _ => null,
        };

        if (shape is null && TypeNames.IsInNamespace(type, TypeNames.Namespaces.System))
        {
            shape = type switch
            {
                _ when TypeNames.Is(type, TypeNames.DateTimeOffset) => (JsonPrimitive.String, PrimitiveFormats.DateTime),
                _ when TypeNames.Is(type, TypeNames.DateOnly) => (JsonPrimitive.String, PrimitiveFormats.Date),
                _ when TypeNames.Is(type, TypeNames.TimeOnly) => (JsonPrimitive.String, PrimitiveFormats.Time),
                _ when TypeNames.Is(type, TypeNames.TimeSpan) => (JsonPrimitive.String, PrimitiveFormats.Duration),
                _ when TypeNames.Is(type, TypeNames.Guid) => (JsonPrimitive.String, PrimitiveFormats.Uuid),
                _ when TypeNames.Is(type, TypeNames.Uri) => (JsonPrimitive.String, PrimitiveFormats.Uri),
                _ when TypeNames.Is(type, TypeNames.Version) => (JsonPrimitive.String, PrimitiveFormats.Version),
                _ when TypeNames.Is(type, TypeNames.Half) => (JsonPrimitive.Number, PrimitiveFormats.Half),
                _ when TypeNames.Is(type, TypeNames.Int128) => (JsonPrimitive.Number, PrimitiveFormats.Int128),
                _ when TypeNames.Is(type, TypeNames.UInt128) => (JsonPrimitive.Number, PrimitiveFormats.UInt128),
                _ => ((JsonPrimitive, string)?)null,
            };
        }

        return shape is { } s ? TypeRef.ForPrimitive(s.Primitive, s.Format, nullable) : null;
    }
}
