using TypedSse.Generator.Helpers;

namespace TypedSse.Generator.Model;

/// <summary>
/// A named payload type in a contract's type table. Recursive and shared types are described once and referenced by
/// <see cref="Id"/> from <see cref="TypeRef"/>s. A generic type is described once as its definition, with
/// <see cref="TypeRefKind.TypeParameter"/> references where its parameters are used.
/// </summary>
public sealed record TypeModel
{
    /// <summary>A stable id: namespace, containing types and metadata name, for example <c>MyApp.Page`1</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The type name without arity, for example <c>Page</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace, empty for the global namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The names of the types it is nested in, outermost first.</summary>
    public required EquatableArray<string> ContainingTypes { get; init; }

    public required TypeModelKind Kind { get; init; }

    public required TypeDeclarationKind Declaration { get; init; }

    /// <summary>An abstract class or an interface: a value is always of some derived type.</summary>
    public bool IsAbstract { get; init; }

    /// <summary>The type parameter names of a generic type, for example <c>T</c>.</summary>
    public EquatableArray<string> TypeParameters { get; init; } = EquatableArray<string>.Empty;

    /// <summary>For objects: the properties System.Text.Json writes, inherited ones included, in JSON order.</summary>
    public EquatableArray<PropertyModel> Properties { get; init; } = EquatableArray<PropertyModel>.Empty;

    /// <summary>For enums: the members in declaration order.</summary>
    public EquatableArray<EnumMemberModel> EnumMembers { get; init; } = EquatableArray<EnumMemberModel>.Empty;

    /// <summary>For enums: JsonStringEnumConverter is applied to the enum type, so values are written as names.</summary>
    public bool EnumAsString { get; init; }

    /// <summary>For enums: marked <c>[Flags]</c>; a name-written value may be several comma-separated names.</summary>
    public bool IsFlags { get; init; }

    /// <summary>Set when the type declares <c>[JsonPolymorphic]</c> or <c>[JsonDerivedType]</c>.</summary>
    public PolymorphismModel? Polymorphism { get; init; }

    public string? Documentation { get; init; }
}

public enum TypeModelKind
{
    Object,
    Enum,
}

public enum TypeDeclarationKind
{
    Class,
    Record,
    Struct,
    RecordStruct,
    Interface,
    Enum,
}

/// <summary>A property as System.Text.Json writes it.</summary>
public sealed record PropertyModel
{
    /// <summary>The C# member name.</summary>
    public required string Name { get; init; }

    /// <summary>The JSON name: <c>[JsonPropertyName]</c> or the camelCase member name.</summary>
    public required string JsonName { get; init; }

    public required TypeRef Type { get; init; }

    /// <summary>Declared <c>required</c> or <c>[JsonRequired]</c>.</summary>
    public bool IsRequired { get; init; }

    /// <summary>May be left out of the JSON: <c>[JsonIgnore(Condition = WhenWritingNull or WhenWritingDefault)]</c>.</summary>
    public bool IsOptional { get; init; }

    /// <summary>A <c>[JsonExtensionData]</c> dictionary: its entries are written as properties of the object itself.</summary>
    public bool IsExtensionData { get; init; }

    public string? Documentation { get; init; }
}

/// <param name="Name">The C# member name.</param>
/// <param name="JsonName">The name written by JsonStringEnumConverter: <c>[JsonStringEnumMemberName]</c> or the member name.</param>
/// <param name="Value">The numeric value, invariant culture.</param>
public sealed record EnumMemberModel(string Name, string JsonName, string Value, string? Documentation);

/// <param name="DiscriminatorPropertyName">The JSON property holding the discriminator, <c>$type</c> unless set.</param>
public sealed record PolymorphismModel(string DiscriminatorPropertyName, EquatableArray<DerivedTypeModel> DerivedTypes);

/// <param name="Type">A reference to the derived type.</param>
/// <param name="Discriminator">The discriminator value, or null when the derived type has none.</param>
/// <param name="DiscriminatorIsNumber">The discriminator is an integer rather than a string.</param>
public sealed record DerivedTypeModel(TypeRef Type, string? Discriminator, bool DiscriminatorIsNumber);
