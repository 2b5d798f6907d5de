using System;
using System.Collections.Generic;
using System.Linq;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;
using static TypedSse.Generator.Emitting.TypeScript.TypeScriptNames;

namespace TypedSse.Generator.Emitting.TypeScript;

/// <summary>
/// The TypeScript declarations of one contract's type table, and the TypeScript type of each <see cref="TypeRef"/>:
/// exactly the JSON System.Text.Json writes.
/// </summary>
internal sealed class TypeScriptTypes
{
    private readonly Dictionary<string, TypeModel> _types;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _baseNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _stringEnumNames = new(StringComparer.Ordinal);

    public TypeScriptTypes(ContractModel contract, ISet<string> takenNames)
    {
        _types = contract.Types.ToDictionary(static t => t.Id, StringComparer.Ordinal);
        var used = new UniqueNames(isAvailable: IsAvailableTypeName).Reserve(takenNames);

        // Simple names first, so that a collision renames the later types rather than the common ones.
        foreach (var type in contract.Types.OrderBy(static t => t.ContainingTypes.Count).ThenBy(static t => t.Id, StringComparer.Ordinal))
        {
            _names[type.Id] = used.New(Candidates(type).ToList());
        }

        foreach (var type in contract.Types)
        {
            if (IsPolymorphic(type))
            {
                _baseNames[type.Id] = used.New(Candidates(type).Select(static n => n + "Base").ToList());
            }
        }

        foreach (var id in StringEnumUses(contract).Distinct())
        {
            if (_types.TryGetValue(id, out var type) && !type.EnumAsString)
            {
                _stringEnumNames[id] = used.New(Candidates(type).Select(static n => n + "Name").ToList());
            }
        }
    }

    /// <summary>Writes every type of the table, in the table's (id) order.</summary>
    public void WriteDeclarations(SourceWriter writer, EquatableArray<TypeModel> types)
    {
        foreach (var type in types)
        {
            if (type.Kind == TypeModelKind.Enum)
            {
                WriteEnum(writer, type);
            }
            else
            {
                WriteObject(writer, type);
            }
        }
    }

    /// <summary>The TypeScript type of a value, <c>T | null</c> when it may be null.</summary>
    public string Type(TypeRef type) => Type(type, type.IsNullable);

    /// <summary>The TypeScript type of a property that is left out rather than written as null: never <c>| null</c> at the top.</summary>
    public string NonNullType(TypeRef type) => Type(type, nullable: false);

    private string Type(TypeRef type, bool nullable)
    {
        var text = type.Kind switch
        {
            TypeRefKind.Primitive => type.Primitive switch
            {
                JsonPrimitive.Number when type.NamedFloatingPointLiterals => "number | \"NaN\" | \"Infinity\" | \"-Infinity\"",
                JsonPrimitive.Number => "number",
                JsonPrimitive.Boolean => "boolean",
                _ => "string",
            },
            TypeRefKind.Array => ArrayElement(Type(type.Arguments[0])) + "[]",
            TypeRefKind.Dictionary => Dictionary(type),
            TypeRefKind.Named => Named(type),
            TypeRefKind.TypeParameter => type.Name!,
            _ => "unknown",
        };

        return nullable && type.Kind != TypeRefKind.Any ? text + " | null" : text;
    }

    private static string ArrayElement(string element) => element.IndexOfAny(new[] { '|', '&', ' ' }) >= 0 ? "(" + element + ")" : element;

    private string Dictionary(TypeRef type)
    {
        var value = Type(type.Arguments[1]);
        var key = type.Arguments[0];
        if (key.Kind == TypeRefKind.Named && key.Name is { } id && _types.TryGetValue(id, out var keyEnum) && keyEnum.Kind == TypeModelKind.Enum && !keyEnum.IsFlags)
        {
            // An enum key is written by name, and only the keys present are written.
            return $"Partial<Record<{StringEnumName(keyEnum)}, {value}>>";
        }

        return $"Record<string, {value}>";
    }

    private string Named(TypeRef type)
    {
        if (type.Name is not { } id || !_types.TryGetValue(id, out var model))
        {
            return "unknown";
        }

        if (model.Kind == TypeModelKind.Enum)
        {
            return type.EnumAsString ? StringEnumName(model) : _names[id];
        }

        return _names[id] + Arguments(type);
    }

    private string Arguments(TypeRef type) =>
        type.Arguments.Count == 0 ? string.Empty : "<" + string.Join(", ", type.Arguments.Select(Type)) + ">";

    private string StringEnumName(TypeModel type) => type.EnumAsString ? _names[type.Id] : _stringEnumNames[type.Id];

    private void WriteEnum(SourceWriter writer, TypeModel type)
    {
        var name = _names[type.Id];
        var numbers = type.EnumMembers.Select(static m => m.Value).Distinct().ToList();
        var names = type.EnumMembers.Select(static m => Literal(m.JsonName)).Distinct().ToList();
        if (type.EnumAsString)
        {
            WriteDoc(writer, type.Documentation, type.IsFlags ? "Written by name; several flags are written as one string of comma-separated names." : null);
            writer.WriteLine($"export type {name} = {(type.IsFlags ? "string" : Union(names, "never"))};");
        }
        else
        {
            WriteDoc(writer, type.Documentation, type.IsFlags ? "Flags: a combination of the values." : null);
            writer.WriteLine($"export type {name} = {(type.IsFlags ? "number" : Union(numbers, "number"))};");
            if (_stringEnumNames.TryGetValue(type.Id, out var stringName))
            {
                writer.WriteLine();
                writer.WriteLine($"/** {{@link {name}}} as JsonStringEnumConverter writes it, where it applies: by name. */");
                writer.WriteLine($"export type {stringName} = {(type.IsFlags ? "string" : Union(names, "never"))};");
            }
        }

        writer.WriteLine();
        writer.WriteLine($"/** The values of {{@link {name}}} by C# member name. */");
        writer.WriteLine($"export const {name} = {{");
        writer.Indent();
        foreach (var member in type.EnumMembers)
        {
            WriteDoc(writer, member.Documentation, null);
            writer.WriteLine($"{LiteralKey(member.Name)}: {(type.EnumAsString ? Literal(member.JsonName) : member.Value)},");
        }

        writer.Unindent();
        writer.WriteLine("} as const;");
        writer.WriteLine();
    }

    private void WriteObject(SourceWriter writer, TypeModel type)
    {
        var parameters = type.TypeParameters.Count == 0 ? string.Empty : "<" + string.Join(", ", type.TypeParameters) + ">";
        if (_baseNames.TryGetValue(type.Id, out var baseName))
        {
            WriteDoc(writer, type.Documentation, null);
            writer.WriteLine($"export type {_names[type.Id]}{parameters} =");
            writer.Indent();
            var polymorphism = type.Polymorphism!;
            var cases = polymorphism.DerivedTypes.Select(derived => DerivedCase(type, baseName, polymorphism.DiscriminatorPropertyName, derived, parameters)).ToList();
            if (!type.IsAbstract && !polymorphism.DerivedTypes.Any(d => d.Type.Name == type.Id))
            {
                cases.Add(WithoutDiscriminator(polymorphism.DiscriminatorPropertyName, baseName + parameters));
            }

            for (var i = 0; i < cases.Count; i++)
            {
                writer.WriteLine("| " + cases[i] + (i == cases.Count - 1 ? ";" : string.Empty));
            }

            writer.Unindent();
            writer.WriteLine();
            if (cases.Any(c => c.Contains(baseName)))
            {
                writer.WriteLine($"/** The properties of {{@link {_names[type.Id]}}} itself. */");
                WriteInterface(writer, type, baseName + parameters);
            }

            return;
        }

        WriteDoc(writer, type.Documentation, null);
        WriteInterface(writer, type, _names[type.Id] + parameters);
    }

    private string DerivedCase(TypeModel type, string baseName, string discriminatorProperty, DerivedTypeModel derived, string parameters)
    {
        // The derived type's own interface: the base's properties when the base lists itself.
        var shape = derived.Type.Name == type.Id ? baseName + parameters : DerivedShape(derived.Type);
        if (derived.Discriminator is not { } discriminator)
        {
            return WithoutDiscriminator(discriminatorProperty, shape);
        }

        var value = derived.DiscriminatorIsNumber ? discriminator : Literal(discriminator);
        return $"({{ {PropertyKey(discriminatorProperty)}: {value} }} & {shape})";
    }

    // A value written without a discriminator has none: otherwise a value that names another case's discriminator
    // but lacks that case's members would pass as this one.
    private static string WithoutDiscriminator(string discriminatorProperty, string shape) =>
        $"({{ {PropertyKey(discriminatorProperty)}?: never }} & {shape})";

    // A derived type that is polymorphic itself is written here with its own properties only.
    private string DerivedShape(TypeRef derived) =>
        derived.Name is { } id && _baseNames.TryGetValue(id, out var baseName) ? baseName + Arguments(derived) : Type(derived, nullable: false);

    private void WriteInterface(SourceWriter writer, TypeModel type, string declaration)
    {
        writer.WriteLine($"export interface {declaration} {{");
        writer.Indent();
        foreach (var property in type.Properties)
        {
            if (property.IsExtensionData)
            {
                continue;
            }

            WriteDoc(writer, property.Documentation, null);
            writer.WriteLine(property.IsOptional
                ? $"{PropertyKey(property.JsonName)}?: {NonNullType(property.Type)};"
                : $"{PropertyKey(property.JsonName)}: {Type(property.Type)};");
        }

        if (type.Properties.Any(static p => p.IsExtensionData))
        {
            writer.WriteLine("/** Extension data: any further properties. */");
            writer.WriteLine("[property: string]: unknown;");
        }

        writer.Unindent();
        writer.WriteLine("}");
        writer.WriteLine();
    }

    public static void WriteDoc(SourceWriter writer, string? documentation, string? remark)
    {
        var text = string.Join(" ", new[] { documentation, remark }.Where(static t => !string.IsNullOrEmpty(t)));
        if (text.Length > 0)
        {
            writer.WriteLine($"/** {Doc(text)} */");
        }
    }

    private static string Union(List<string> values, string empty) => values.Count == 0 ? empty : string.Join(" | ", values);

    private bool IsPolymorphic(TypeModel type) => type.Kind == TypeModelKind.Object && type.Polymorphism is { DerivedTypes.Count: > 0 };

    private static IEnumerable<string> Candidates(TypeModel type)
    {
        var name = IsIdentifier(type.Name) ? type.Name : Identifier(type.Name);
        yield return name;
        yield return string.Concat(type.ContainingTypes) + name;
        var namespaceParts = type.Namespace.Split(new[] { '.' }, StringSplitOptions.RemoveEmptyEntries);
        for (var i = namespaceParts.Length - 1; i >= 0; i--)
        {
            yield return string.Concat(namespaceParts.Skip(i).Select(static p => char.ToUpperInvariant(p[0]) + p.Substring(1))) + string.Concat(type.ContainingTypes) + name;
        }
    }

    // The enums used by name somewhere (a property with JsonStringEnumConverter, or a dictionary key).
    private static IEnumerable<string> StringEnumUses(ContractModel contract)
    {
        IEnumerable<TypeRef> All(TypeRef type) => new[] { type }.Concat(type.Arguments.SelectMany(All));

        var refs = contract.Events.SelectMany(static e => e.Parameters).Select(static p => p.Type)
            .Concat(contract.Types.SelectMany(static t => t.Properties).Select(static p => p.Type))
            .Concat(contract.Types.Where(static t => t.Polymorphism is not null).SelectMany(static t => t.Polymorphism!.DerivedTypes).Select(static d => d.Type))
            .SelectMany(All);
        return refs.Where(static r => r.Kind == TypeRefKind.Named && r.EnumAsString && r.Name is not null).Select(static r => r.Name!);
    }
}
