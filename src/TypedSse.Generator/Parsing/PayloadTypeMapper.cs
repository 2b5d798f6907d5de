using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using TypedSse.Generator.Diagnostics;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

/// <summary>
/// Maps payload types to their JSON shape as System.Text.Json writes them, filling the contract's type table and
/// reporting members that cannot be serialized or that have no known shape.
/// </summary>
internal sealed partial class PayloadTypeMapper(List<DiagnosticInfo> diagnostics, DocComments docs, CancellationToken cancellationToken)
{
    private readonly DocComments _docs = docs;
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
        // A value type is null only as Nullable<T>: an annotated one is a T? of a generic type instantiated with it,
        // and Box<int>'s T? Value is an int, never null.
        var nullable = !type.IsValueType
            && (annotation == NullableAnnotation.Annotated || (annotation == NullableAnnotation.None && type.TypeKind != TypeKind.TypeParameter));

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
            Documentation = _docs.Summary(type),
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
