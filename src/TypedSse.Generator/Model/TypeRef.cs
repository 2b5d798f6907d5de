using TypedSse.Generator.Helpers;

namespace TypedSse.Generator.Model;

/// <summary>
/// The JSON shape of a value where it is used: a primitive, an array, a dictionary, a reference into the contract's
/// type table, a type parameter of a generic payload type, or anything.
/// </summary>
public sealed record TypeRef
{
    public required TypeRefKind Kind { get; init; }

    /// <summary>The value may be <c>null</c> (a nullable annotation, <c>Nullable&lt;T&gt;</c>, or a nullable-oblivious reference type).</summary>
    public bool IsNullable { get; init; }

    /// <summary>
    /// For <see cref="TypeRefKind.Primitive"/>: how the value is written in JSON. A number written as a string
    /// (<c>[JsonNumberHandling(WriteAsString)]</c>) is <see cref="JsonPrimitive.String"/> with its number format.
    /// </summary>
    public JsonPrimitive? Primitive { get; init; }

    /// <summary>For primitives: what the JSON value stands for, for example <c>int32</c>, <c>date-time</c> or <c>uuid</c> (see <see cref="PrimitiveFormats"/>).</summary>
    public string? Format { get; init; }

    /// <summary>For <see cref="TypeRefKind.Named"/>: the <see cref="TypeModel.Id"/>; for <see cref="TypeRefKind.TypeParameter"/>: the parameter name.</summary>
    public string? Name { get; init; }

    /// <summary>Array: the element. Dictionary: key, then value. Named: the type arguments of a generic payload type.</summary>
    public EquatableArray<TypeRef> Arguments { get; init; } = EquatableArray<TypeRef>.Empty;

    /// <summary>For a reference to an enum: its values are written as names (JsonStringEnumConverter on the enum or the property, or a dictionary key).</summary>
    public bool EnumAsString { get; init; }

    /// <summary>For a floating-point number: <c>NaN</c> and the infinities are written as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c> (<c>[JsonNumberHandling(AllowNamedFloatingPointLiterals)]</c>).</summary>
    public bool NamedFloatingPointLiterals { get; init; }

    public static TypeRef Any(bool isNullable = true) => new() { Kind = TypeRefKind.Any, IsNullable = isNullable };

    public static TypeRef ForPrimitive(JsonPrimitive primitive, string format, bool isNullable) =>
        new() { Kind = TypeRefKind.Primitive, Primitive = primitive, Format = format, IsNullable = isNullable };
}

public enum TypeRefKind
{
    Primitive,
    Array,
    Dictionary,
    Named,
    TypeParameter,

    /// <summary>Any JSON value: <c>object</c>, <c>dynamic</c>, <c>JsonElement</c>, <c>JsonNode</c> or a type with a custom converter.</summary>
    Any,
}

public enum JsonPrimitive
{
    String,
    Number,
    Boolean,
}

/// <summary>The values of <see cref="TypeRef.Format"/>.</summary>
public static class PrimitiveFormats
{
    public const string String = "string";
    public const string Char = "char";
    public const string Boolean = "boolean";
    public const string Byte = "uint8";
    public const string SByte = "int8";
    public const string Int16 = "int16";
    public const string UInt16 = "uint16";
    public const string Int32 = "int32";
    public const string UInt32 = "uint32";
    public const string Int64 = "int64";
    public const string UInt64 = "uint64";
    public const string Int128 = "int128";
    public const string UInt128 = "uint128";
    public const string Half = "half";
    public const string Single = "float";
    public const string Double = "double";
    public const string Decimal = "decimal";
    public const string DateTime = "date-time";
    public const string Date = "date";
    public const string Time = "time";
    public const string Duration = "duration";
    public const string Uuid = "uuid";
    public const string Uri = "uri";
    public const string Version = "version";

    /// <summary>Bytes (<c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>) written as a base64 string.</summary>
    public const string Base64 = "base64";
}
