using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

// [JsonPolymorphic] and [JsonDerivedType]: the derived types and their discriminators.
internal sealed partial class PayloadTypeMapper
{
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
}
