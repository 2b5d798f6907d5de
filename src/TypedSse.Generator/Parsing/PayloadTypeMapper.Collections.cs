using System.Linq;
using Microsoft.CodeAnalysis;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

// Arrays, lists, sets and dictionaries.
internal sealed partial class PayloadTypeMapper
{
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
}
