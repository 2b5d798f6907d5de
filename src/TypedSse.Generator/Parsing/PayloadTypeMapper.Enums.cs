using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

// Enums, written as numbers or, with JsonStringEnumConverter, by name.
internal sealed partial class PayloadTypeMapper
{
    private TypeModel DescribeEnum(INamedTypeSymbol type, string id)
    {
        var members = type.GetMembers().OfType<IFieldSymbol>()
            .Where(static f => f.HasConstantValue)
            .Select(f => new EnumMemberModel(
                f.Name,
                f.GetAttributes().FirstOrDefault(static a => TypeNames.Is(a, TypeNames.JsonStringEnumMemberNameAttribute))?.ConstructorArguments.FirstOrDefault().Value as string ?? f.Name,
                Convert.ToString(f.ConstantValue, CultureInfo.InvariantCulture) ?? "0",
                _docs.Summary(f)))
            .ToEquatableArray();

        return Describe(type, id, TypeModelKind.Enum) with
        {
            EnumMembers = members,
            EnumAsString = IsStringEnum(type.GetAttributes(), type),
            IsFlags = type.GetAttributes().Any(static a => TypeNames.Is(a, TypeNames.FlagsAttribute)),
        };
    }
}
