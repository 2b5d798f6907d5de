using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSse.Generator.Diagnostics;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

/// <summary>
/// Maps payload types to their JSON shape as System.Text.Json writes them, filling the contract's type table and
/// reporting members that cannot be serialized or that have no known shape.
/// </summary>
internal sealed class PayloadTypeMapper(List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
{
    private readonly Dictionary<string, TypeModel?> _types = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    /// <summary>The type table, sorted by id.</summary>
    public EquatableArray<TypeModel> Types =>
        _types.Values.Where(static t => t is not null).OrderBy(static t => t!.Id, StringComparer.Ordinal).Select(static t => t!).ToEquatableArray();

    /// <summary>Maps the type of an event parameter.</summary>
    /// <param name="fallback">Where to report when the parameter is not in source: the contract's use of its interface.</param>
    public TypeRef MapParameter(IParameterSymbol parameter, string eventDisplay, LocationInfo? fallback = null)
    {
        var site = new Site(eventDisplay, $"parameter '{parameter.Name}'", LocationInfo.From(parameter) ?? fallback);
        return Map(parameter.Type, parameter.NullableAnnotation, site, enumAsString: false);
    }

    private TypeRef Map(ITypeSymbol type, NullableAnnotation annotation, Site site, bool enumAsString)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var nullable = annotation == NullableAnnotation.Annotated
            || (annotation == NullableAnnotation.None && !type.IsValueType && type.TypeKind != TypeKind.TypeParameter);

        switch (type)
        {
            case IErrorTypeSymbol:
                return TypeRef.Any();
            case IDynamicTypeSymbol:
                return Untyped(site, type);
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return Unsupported(site, type, "pointers cannot be serialized");
            case ITypeParameterSymbol typeParameter:
                if (typeParameter.TypeParameterKind != TypeParameterKind.Type)
                {
                    return TypeRef.Any(); // a generic event method, already an error of its own
                }

                return new TypeRef { Kind = TypeRefKind.TypeParameter, Name = typeParameter.Name, IsNullable = annotation == NullableAnnotation.Annotated };
            case IArrayTypeSymbol array:
                if (array.Rank > 1)
                {
                    return Unsupported(site, type, "multi-dimensional arrays cannot be serialized; use a jagged array");
                }

                if (array.ElementType.SpecialType == SpecialType.System_Byte)
                {
                    return TypeRef.ForPrimitive(JsonPrimitive.String, PrimitiveFormats.Base64, nullable);
                }

                return new TypeRef
                {
                    Kind = TypeRefKind.Array,
                    IsNullable = nullable,
                    Arguments = new[] { Map(array.ElementType, array.ElementNullableAnnotation, site, false) }.ToEquatableArray(),
                };
            case INamedTypeSymbol named:
                return MapNamed(named, nullable, site, enumAsString);
            default:
                return Unsupported(site, type, "it has no JSON representation");
        }
    }

    private TypeRef MapNamed(INamedTypeSymbol type, bool nullable, Site site, bool enumAsString)
    {
        if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return Map(type.TypeArguments[0], NullableAnnotation.NotAnnotated, site, enumAsString) with { IsNullable = true };
        }

        if (type.IsUnboundGenericType)
        {
            return Unsupported(site, type, "open generic types cannot be serialized");
        }

        if (type.IsRefLikeType)
        {
            return Unsupported(site, type, "ref structs such as Span<T> cannot be serialized; use an array or a list");
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return Unsupported(site, type, "delegates cannot be serialized");
        }

        if (Primitive(type, nullable) is { } primitive)
        {
            return primitive;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Object:
                return Untyped(site, type);
            case SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                return Unsupported(site, type, "native integers cannot be serialized");
            case SpecialType.System_Delegate or SpecialType.System_MulticastDelegate:
                return Unsupported(site, type, "delegates cannot be serialized");
        }

        if (TypeNames.IsInNamespace(type, TypeNames.Namespaces.Tasks) || TypeNames.Is(type, TypeNames.CancellationToken))
        {
            return Unsupported(site, type, "tasks and cancellation tokens cannot be serialized; send the result instead");
        }

        if (TypeNames.Is(type, TypeNames.Type) || TypeNames.IsInNamespace(type, TypeNames.Namespaces.Reflection))
        {
            return Unsupported(site, type, "reflection types cannot be serialized");
        }

        if (type.IsTupleType)
        {
            return Unsupported(site, type, "tuples serialize as an empty object; use a record");
        }

        if (TypeNames.IsInNamespace(type, TypeNames.Namespaces.Json) || TypeNames.IsInNamespace(type, TypeNames.Namespaces.JsonNodes))
        {
            return TypeRef.Any(nullable); // JsonElement, JsonDocument, JsonNode: any JSON, chosen deliberately
        }

        if ((TypeNames.Is(type, TypeNames.Memory) || TypeNames.Is(type, TypeNames.ReadOnlyMemory)))
        {
            return type.TypeArguments[0].SpecialType == SpecialType.System_Byte
                ? TypeRef.ForPrimitive(JsonPrimitive.String, PrimitiveFormats.Base64, nullable)
                : new TypeRef { Kind = TypeRefKind.Array, IsNullable = nullable, Arguments = new[] { Map(type.TypeArguments[0], type.TypeArgumentNullableAnnotations[0], site, false) }.ToEquatableArray() };
        }

        if (HasCustomConverter(type.GetAttributes()))
        {
            return TypeRef.Any(nullable);
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            var id = Register(type, site);
            return new TypeRef { Kind = TypeRefKind.Named, Name = id, IsNullable = nullable, EnumAsString = enumAsString || IsStringEnum(type.GetAttributes(), type) };
        }

        if (FindDictionary(type) is { } dictionary)
        {
            return MapDictionary(type, dictionary, nullable, site);
        }

        if (FindEnumerable(type) is { } enumerable)
        {
            return enumerable.TypeArguments.Length == 1
                ? new TypeRef { Kind = TypeRefKind.Array, IsNullable = nullable, Arguments = new[] { Map(enumerable.TypeArguments[0], enumerable.TypeArgumentNullableAnnotations[0], site, false) }.ToEquatableArray() }
                : new TypeRef { Kind = TypeRefKind.Array, IsNullable = nullable, Arguments = new[] { Untyped(site, enumerable) }.ToEquatableArray() };
        }

        var typeId = Register(type, site);
        return new TypeRef
        {
            Kind = TypeRefKind.Named,
            Name = typeId,
            IsNullable = nullable,
            Arguments = type.TypeArguments.Select((argument, i) => Map(argument, type.TypeArgumentNullableAnnotations[i], site, false)).ToEquatableArray(),
        };
    }

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

    private TypeRef MapDictionary(INamedTypeSymbol type, INamedTypeSymbol dictionary, bool nullable, Site site)
    {
        var key = dictionary.TypeArguments[0];
        var keyRef = key switch
        {
            { TypeKind: TypeKind.Enum } => Map(key, NullableAnnotation.NotAnnotated, site, enumAsString: true),
            INamedTypeSymbol named when Primitive(named, false) is { } primitive => primitive, // written as a property name
            IErrorTypeSymbol => TypeRef.Any(false),
            _ => null,
        };

        if (keyRef is null)
        {
            return Unsupported(site, type, "dictionary keys must be strings, numbers, enums, Guids or dates");
        }

        return new TypeRef
        {
            Kind = TypeRefKind.Dictionary,
            IsNullable = nullable,
            Arguments = new[] { keyRef, Map(dictionary.TypeArguments[1], dictionary.TypeArgumentNullableAnnotations[1], site, false) }.ToEquatableArray(),
        };
    }

    private static INamedTypeSymbol? FindDictionary(INamedTypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            if (candidate.TypeArguments.Length == 2
                && (TypeNames.Is(candidate.OriginalDefinition, TypeNames.IDictionary)
                    || TypeNames.Is(candidate.OriginalDefinition, TypeNames.IReadOnlyDictionary)))
            {
                return candidate;
            }
        }

        return null;
    }

    // Returns IEnumerable<T>, or the non-generic IEnumerable when that is all the type implements.
    private static INamedTypeSymbol? FindEnumerable(INamedTypeSymbol type)
    {
        INamedTypeSymbol? nonGeneric = null;
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            switch (candidate.OriginalDefinition.SpecialType)
            {
                case SpecialType.System_Collections_Generic_IEnumerable_T:
                    return candidate;
                case SpecialType.System_Collections_IEnumerable:
                    nonGeneric = candidate;
                    break;
            }

            if (TypeNames.Is(candidate.OriginalDefinition, TypeNames.IAsyncEnumerable))
            {
                return candidate;
            }
        }

        return nonGeneric;
    }

    /// <summary>Adds the definition of <paramref name="type"/> to the table once, and returns its id.</summary>
    private string Register(INamedTypeSymbol type, Site site)
    {
        var definition = type.OriginalDefinition;
        var id = TypeId(definition);
        if (_types.ContainsKey(id))
        {
            return id;
        }

        _types[id] = null; // a recursive reference finds the id while the type is being described
        _types[id] = definition.TypeKind == TypeKind.Enum ? DescribeEnum(definition, id) : DescribeObject(definition, id, site);
        return id;
    }

    private TypeModel DescribeEnum(INamedTypeSymbol type, string id)
    {
        var members = type.GetMembers().OfType<IFieldSymbol>()
            .Where(static f => f.HasConstantValue)
            .Select(f => new EnumMemberModel(
                f.Name,
                f.GetAttributes().FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonStringEnumMemberNameAttribute))?.ConstructorArguments.FirstOrDefault().Value as string ?? f.Name,
                Convert.ToString(f.ConstantValue, CultureInfo.InvariantCulture) ?? "0",
                DocComments.Summary(f, cancellationToken)))
            .ToEquatableArray();

        return Describe(type, id, TypeModelKind.Enum) with
        {
            EnumMembers = members,
            EnumAsString = IsStringEnum(type.GetAttributes(), type),
            IsFlags = type.GetAttributes().Any(static a => TypeNames.Is(a, TypeNames.FlagsAttribute)),
        };
    }

    private TypeModel DescribeObject(INamedTypeSymbol type, string id, Site site)
    {
        var properties = new List<(PropertyModel Model, int Order)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null && !IsRoot(current); current = current.BaseType)
        {
            var declared = new List<(PropertyModel, int)>();
            foreach (var member in current.GetMembers())
            {
                // A member hidden by a derived member of the same name is not written.
                if (member.IsStatic || member is not (IPropertySymbol or IFieldSymbol) || !seen.Add(member.Name))
                {
                    continue;
                }

                if (DescribeProperty(type, member, site) is { } property)
                {
                    declared.Add((property.Model, property.Order ?? 0));
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
                .Where(m => !m.IsStatic && seen.Add(m.Name))
                .Select(m => DescribeProperty(type, m, site)?.Model)
                .Where(static p => p is not null)
                .Select(static p => p!));
        }

        return Describe(type, id, TypeModelKind.Object) with
        {
            TypeParameters = type.TypeParameters.Select(static p => p.Name).ToEquatableArray(),
            Properties = ordered.ToEquatableArray(),
            Polymorphism = DescribePolymorphism(type, site),
        };
    }

    private (PropertyModel Model, int? Order)? DescribeProperty(INamedTypeSymbol owner, ISymbol member, Site site)
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
        if (attributes.FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonIgnoreAttribute)) is { } ignore)
        {
            // JsonIgnoreCondition: Never = 0, Always = 1, WhenWritingDefault = 2, WhenWritingNull = 3, WhenWriting... = 4+
            var condition = ignore.NamedArguments.FirstOrDefault(static a => a.Key == "Condition").Value.Value as int? ?? 1;
            if (condition == 1)
            {
                return null;
            }

            isOptional = condition >= 2;
        }

        var display = owner.Name + "." + member.Name;
        var memberSite = new Site(site.Event, $"property '{display}'", LocationInfo.From(member) ?? site.Location);
        var stringEnum = IsStringEnum(attributes, memberType);
        var type = HasCustomConverter(attributes)
            ? TypeRef.Any(annotation != NullableAnnotation.NotAnnotated)
            : Map(memberType, annotation, memberSite, stringEnum);

        var jsonName = attributes.FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonPropertyNameAttribute))?.ConstructorArguments.FirstOrDefault().Value as string
            ?? Naming.CamelCase(member.Name);
        var order = attributes.FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonPropertyOrderAttribute))?.ConstructorArguments.FirstOrDefault().Value as int?;
        var documentation = DocComments.Summary(member, cancellationToken)
            ?? (member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is ParameterSyntax
                ? DocComments.Parameter(member.ContainingType, member.Name, cancellationToken)
                : null);

        return (new PropertyModel
        {
            Name = member.Name,
            JsonName = jsonName,
            Type = type,
            IsRequired = member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }
                || attributes.Any(static a => TypeNames.Is(a, TypeNames.JsonRequiredAttribute)),
            IsOptional = isOptional,
            IsExtensionData = attributes.Any(static a => TypeNames.Is(a, TypeNames.JsonExtensionDataAttribute)),
            Documentation = documentation,
        }, order);
    }

    private PolymorphismModel? DescribePolymorphism(INamedTypeSymbol type, Site site)
    {
        var attributes = type.GetAttributes();
        var derived = attributes.Where(static a => TypeNames.Is(a, TypeNames.JsonDerivedTypeAttribute)).ToList();
        var polymorphic = attributes.FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonPolymorphicAttribute));
        if (derived.Count == 0 && polymorphic is null)
        {
            return null;
        }

        var propertyName = polymorphic?.NamedArguments.FirstOrDefault(static a => a.Key == "TypeDiscriminatorPropertyName").Value.Value as string ?? "$type";
        var derivedTypes = new List<DerivedTypeModel>();
        foreach (var attribute in derived)
        {
            if (attribute.ConstructorArguments.Length == 0 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol derivedType)
            {
                continue;
            }

            var discriminator = attribute.ConstructorArguments.Length > 1 ? attribute.ConstructorArguments[1].Value : null;
            var reference = Map(derivedType, NullableAnnotation.NotAnnotated, site with { Member = $"derived type '{derivedType.Name}'" }, false);
            derivedTypes.Add(new DerivedTypeModel(
                reference,
                discriminator is null ? null : Convert.ToString(discriminator, CultureInfo.InvariantCulture),
                discriminator is int));
        }

        return new PolymorphismModel(propertyName, derivedTypes.ToEquatableArray());
    }

    private TypeModel Describe(INamedTypeSymbol type, string id, TypeModelKind kind)
    {
        var containing = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, outer.Name);
        }

        return new TypeModel
        {
            Id = id,
            Name = type.Name,
            Namespace = TypeNames.NamespaceName(type.ContainingNamespace),
            ContainingTypes = containing.ToEquatableArray(),
            Kind = kind,
            Declaration = type switch
            {
                { TypeKind: TypeKind.Enum } => TypeDeclarationKind.Enum,
                { TypeKind: TypeKind.Interface } => TypeDeclarationKind.Interface,
                { IsRecord: true, IsValueType: true } => TypeDeclarationKind.RecordStruct,
                { IsRecord: true } => TypeDeclarationKind.Record,
                { IsValueType: true } => TypeDeclarationKind.Struct,
                _ => TypeDeclarationKind.Class,
            },
            IsAbstract = type.IsAbstract && type.TypeKind is TypeKind.Class or TypeKind.Interface,
            Documentation = DocComments.Summary(type, cancellationToken),
        };
    }

    /// <summary>Namespace, containing types and metadata name, for example <c>MyApp.Outer.Page`1</c>.</summary>
    public static string TypeId(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "." + name;
        }

        var ns = TypeNames.NamespaceName(type.ContainingNamespace);
        return ns.Length > 0 ? ns + "." + name : name;
    }

    private static bool IsRoot(INamedTypeSymbol type) =>
        type.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum;

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

    private TypeRef Unsupported(Site site, ITypeSymbol type, string reason)
    {
        Report(DiagnosticDescriptors.UnsupportedPayloadType, site, type, reason);
        return TypeRef.Any();
    }

    private TypeRef Untyped(Site site, ITypeSymbol type)
    {
        Report(DiagnosticDescriptors.UntypedPayload, site, type, null);
        return TypeRef.Any();
    }

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, Site site, ITypeSymbol type, string? reason)
    {
        var typeDisplay = type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
        if (!_reported.Add(descriptor.Id + "|" + site.Member + "|" + typeDisplay))
        {
            return;
        }

        diagnostics.Add(reason is null
            ? DiagnosticInfo.Create(descriptor, site.Location, site.Event, site.Member, typeDisplay)
            : DiagnosticInfo.Create(descriptor, site.Location, site.Event, site.Member, typeDisplay, reason));
    }

    /// <summary>Where a type is used: the event, the member in user words, and the syntax to report on.</summary>
    private sealed record Site(string Event, string Member, LocationInfo? Location);
}
