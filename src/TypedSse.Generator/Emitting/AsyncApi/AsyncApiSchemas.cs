using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Emitting.AsyncApi;

/// <summary>
/// The JSON Schema of each payload value, exactly the JSON System.Text.Json writes (the same rules the TypeScript
/// types follow), and the named schemas they reference in <c>components/schemas</c>. A generic payload type gets one
/// schema per type arguments it is used with, since JSON Schema has no type parameters.
/// </summary>
internal sealed class AsyncApiSchemas
{
    private const string SchemaPrefix = "#/components/schemas/";
    private const int MaxGenericDepth = 8;

    private readonly Dictionary<string, TypeModel> _types;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Json> _components = new(StringComparer.Ordinal);
    private readonly UniqueNames _used = new(isAvailable: AsyncApiNames.IsKey);

    public AsyncApiSchemas(IEnumerable<TypeModel> types)
    {
        _types = new Dictionary<string, TypeModel>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            _types[type.Id] = type;
        }
    }

    /// <summary>The named schemas referenced so far, by name.</summary>
    public Json Components()
    {
        var components = new Json();
        foreach (var component in _components)
        {
            components.Set(component.Key, component.Value);
        }

        return components;
    }

    /// <summary>The schema of a value, allowing null when it may be null.</summary>
    public Json Schema(TypeRef type) => type.IsNullable ? Nullable(NonNull(type)) : NonNull(type);

    /// <summary>The schema of a value without null: a property that is left out rather than written as null.</summary>
    public Json NonNull(TypeRef type) => type.Kind switch
    {
        TypeRefKind.Primitive => Primitive(type),
        TypeRefKind.Array => new Json().Set("type", "array").Set("items", Schema(type.Arguments[0])),
        TypeRefKind.Dictionary => Dictionary(type),
        TypeRefKind.Named => Named(type),
        _ => new Json(),
    };

    private static Json Primitive(TypeRef type)
    {
        var schema = new Json();
        switch (type.Primitive)
        {
            case JsonPrimitive.Boolean:
                return schema.Set("type", "boolean");
            case JsonPrimitive.Number when IsInteger(type.Format):
                return schema.Set("type", "integer").Set("format", type.Format is PrimitiveFormats.Int32 or PrimitiveFormats.Int64 ? type.Format : null);
            case JsonPrimitive.Number:
                schema.Set("type", "number").Set("format", type.Format is PrimitiveFormats.Single or PrimitiveFormats.Double ? type.Format : null);
                return type.NamedFloatingPointLiterals
                    ? new Json().Set("oneOf", new List<object> { schema, new Json().Set("enum", new List<object> { "NaN", "Infinity", "-Infinity" }) })
                    : schema;
            default:
                schema.Set("type", "string");
                switch (type.Format)
                {
                    case PrimitiveFormats.DateTime or PrimitiveFormats.Date or PrimitiveFormats.Time or PrimitiveFormats.Uuid:
                        schema.Set("format", type.Format);
                        break;
                    case PrimitiveFormats.Uri:
                        schema.Set("format", "uri-reference");
                        break;
                    case PrimitiveFormats.Char:
                        schema.Set("minLength", 1L).Set("maxLength", 1L);
                        break;
                    case PrimitiveFormats.Base64:
                        schema.Set("contentEncoding", "base64");
                        break;
                    case var format when IsInteger(format):
                        schema.Set("pattern", "^-?(?:0|[1-9]\\d*)$");
                        break;
                }

                return schema;
        }
    }

    private static bool IsInteger(string? format) => format is PrimitiveFormats.Byte or PrimitiveFormats.SByte or PrimitiveFormats.Int16
        or PrimitiveFormats.UInt16 or PrimitiveFormats.Int32 or PrimitiveFormats.UInt32 or PrimitiveFormats.Int64 or PrimitiveFormats.UInt64
        or PrimitiveFormats.Int128 or PrimitiveFormats.UInt128;

    private Json Dictionary(TypeRef type)
    {
        var schema = new Json().Set("type", "object").Set("additionalProperties", Schema(type.Arguments[1]));
        var key = type.Arguments[0];
        if (key.Kind == TypeRefKind.Named && key.Name is { } id && _types.TryGetValue(id, out var keyEnum) && keyEnum.Kind == TypeModelKind.Enum && !keyEnum.IsFlags)
        {
            // An enum key is written by name.
            schema.Set("propertyNames", new Json().Set("enum", keyEnum.EnumMembers.Select(static m => (object)m.JsonName).Distinct().ToList()));
        }

        return schema;
    }

    private Json Named(TypeRef type)
    {
        if (type.Name is not { } id || !_types.TryGetValue(id, out var model))
        {
            return new Json();
        }

        if (Depth(type) > MaxGenericDepth)
        {
            // A type whose members nest it in itself (Node<T> with a Node<Node<T>>) has no end of instantiations:
            // past this depth the schema allows any value.
            return new Json().Set("description", $"{model.Name}: generic type arguments nested over {MaxGenericDepth} deep are not described.");
        }

        var asString = model.Kind == TypeModelKind.Enum && (type.EnumAsString || model.EnumAsString);
        var key = id + (asString ? "#name" : string.Empty) + Key(type.Arguments);
        if (!_names.TryGetValue(key, out var name))
        {
            // Named before it is built, so that a type that refers to itself refers to this name.
            name = _used.New(Candidates(model, type.Arguments, asString).ToList());
            _names[key] = name;
            _components[name] = new Json();
            _components[name] = model.Kind == TypeModelKind.Enum ? Enum(model, asString) : Object(model, type.Arguments, name);
        }

        return Ref(name);
    }

    private static int Depth(TypeRef type)
    {
        int deepest = 0;
        foreach (var argument in type.Arguments)
        {
            deepest = Math.Max(deepest, Depth(argument));
        }

        return deepest + 1;
    }

    private static Json Ref(string name) => new Json().Set("$ref", SchemaPrefix + name);

    private static Json Enum(TypeModel model, bool asString)
    {
        var schema = new Json().Set("description", model.Documentation);
        if (asString)
        {
            schema.Set("type", "string");
            return model.IsFlags ? schema : schema.Set("enum", model.EnumMembers.Select(static m => (object)m.JsonName).Distinct().ToList());
        }

        schema.Set("type", "integer");
        return model.IsFlags ? schema : schema.Set("enum", model.EnumMembers.Select(static m => Number(m.Value)).Distinct().ToList());
    }

    private static object Number(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : ulong.Parse(value, CultureInfo.InvariantCulture);

    private Json Object(TypeModel model, EquatableArray<TypeRef> arguments, string name)
    {
        var bindings = new Dictionary<string, TypeRef>(StringComparer.Ordinal);
        for (var i = 0; i < model.TypeParameters.Count && i < arguments.Count; i++)
        {
            bindings[model.TypeParameters[i]] = arguments[i];
        }

        if (model.Polymorphism is not { DerivedTypes.Count: > 0 } polymorphism)
        {
            return Shape(model, bindings);
        }

        // The base's own shape, for the values written as the base type itself.
        string? baseName = null;
        string BaseName()
        {
            if (baseName is null)
            {
                baseName = _used.New(name + "Base");
                _components[baseName] = Shape(model, bindings);
            }

            return baseName;
        }

        var discriminator = polymorphism.DiscriminatorPropertyName;
        var cases = new List<object>();
        foreach (var derived in polymorphism.DerivedTypes)
        {
            var shape = derived.Type.Name == model.Id ? Ref(BaseName()) : DerivedShape(Substitute(derived.Type, bindings));
            cases.Add(derived.Discriminator is { } value
                ? new Json().Set("allOf", new List<object>
                {
                    new Json().Set("type", "object").Set("required", new List<object> { discriminator })
                        .Set("properties", new Json().Set(discriminator, new Json().Set("const", derived.DiscriminatorIsNumber ? Number(value) : value))),
                    shape,
                })
                : WithoutDiscriminator(discriminator, shape));
        }

        if (!model.IsAbstract && !polymorphism.DerivedTypes.Any(d => d.Type.Name == model.Id))
        {
            cases.Add(WithoutDiscriminator(discriminator, Ref(BaseName())));
        }

        return new Json().Set("description", model.Documentation).Set("oneOf", cases);
    }

    // A value written without a discriminator has none.
    private static Json WithoutDiscriminator(string discriminator, Json shape) =>
        new Json().Set("allOf", new List<object> { new Json().Set("not", new Json().Set("required", new List<object> { discriminator })), shape });

    // A derived type that is polymorphic itself is one case here with its own properties only.
    private Json DerivedShape(TypeRef derived)
    {
        if (derived.Name is { } id && _types.TryGetValue(id, out var model) && model.Polymorphism is { DerivedTypes.Count: > 0 })
        {
            var bindings = new Dictionary<string, TypeRef>(StringComparer.Ordinal);
            for (var i = 0; i < model.TypeParameters.Count && i < derived.Arguments.Count; i++)
            {
                bindings[model.TypeParameters[i]] = derived.Arguments[i];
            }

            var key = id + "#base" + Key(derived.Arguments);
            if (!_names.TryGetValue(key, out var name))
            {
                name = _used.New(Candidates(model, derived.Arguments, asString: false).Select(static c => c + "Base").ToList());
                _names[key] = name;
                _components[name] = new Json();
                _components[name] = Shape(model, bindings);
            }

            return Ref(name);
        }

        return NonNull(derived);
    }

    private Json Shape(TypeModel model, Dictionary<string, TypeRef> bindings)
    {
        var properties = new Json();
        var required = new List<object>();
        foreach (var property in model.Properties)
        {
            if (property.IsExtensionData)
            {
                continue;
            }

            var type = Substitute(property.Type, bindings);
            var schema = property.IsOptional ? NonNull(type) : Schema(type);
            if (property.Documentation is { } documentation)
            {
                schema = schema.Get("$ref") is null ? schema.Set("description", documentation) : new Json().Set("description", documentation).Set("allOf", new List<object> { schema });
            }

            properties.Set(property.JsonName, schema);
            if (!property.IsOptional)
            {
                required.Add(property.JsonName);
            }
        }

        var shape = new Json().Set("type", "object").Set("description", model.Documentation);
        if (properties.Count > 0)
        {
            shape.Set("properties", properties);
        }

        if (required.Count > 0)
        {
            shape.Set("required", required);
        }

        return shape;
    }

    /// <summary>Puts the type arguments of the generic type being described in place of its type parameters.</summary>
    private static TypeRef Substitute(TypeRef type, IReadOnlyDictionary<string, TypeRef> bindings)
    {
        if (type.Kind == TypeRefKind.TypeParameter)
        {
            return type.Name is { } name && bindings.TryGetValue(name, out var bound)
                ? bound with { IsNullable = bound.IsNullable || type.IsNullable }
                : TypeRef.Any();
        }

        return type.Arguments.Count == 0 ? type : type with { Arguments = type.Arguments.Select(a => Substitute(a, bindings)).ToEquatableArray() };
    }

    private static Json Nullable(Json schema)
    {
        if (schema.Count == 0)
        {
            return schema;
        }

        if (schema.Get("type") is string type && schema.Get("$ref") is null && schema.Get("oneOf") is null)
        {
            schema.Set("type", new List<object> { type, "null" });
            if (schema.Get("enum") is List<object> values)
            {
                values.Add(NullValue.Instance);
            }

            return schema;
        }

        return new Json().Set("anyOf", new List<object> { new Json().Set("type", "null"), schema });
    }

    private string Key(EquatableArray<TypeRef> arguments) =>
        arguments.Count == 0 ? string.Empty : "<" + string.Join(",", arguments.Select(KeyOf)) + ">";

    private string KeyOf(TypeRef type) => type.Kind switch
    {
        TypeRefKind.Primitive => type.Primitive + ":" + type.Format + (type.NamedFloatingPointLiterals ? ":named" : string.Empty),
        TypeRefKind.Named => type.Name + (type.EnumAsString ? "#name" : string.Empty) + Key(type.Arguments),
        _ => type.Kind + Key(type.Arguments),
    } + (type.IsNullable ? "?" : string.Empty);

    private IEnumerable<string> Candidates(TypeModel model, EquatableArray<TypeRef> arguments, bool asString)
    {
        var suffix = (arguments.Count == 0 ? string.Empty : "Of" + string.Join("And", arguments.Select(DisplayName))) + (asString && !model.EnumAsString ? "Name" : string.Empty);
        var name = AsyncApiNames.Key(model.Name);
        yield return name + suffix;
        yield return AsyncApiNames.Key(string.Concat(model.ContainingTypes) + model.Name) + suffix;
        yield return AsyncApiNames.Key(model.Id.Replace('`', '_')) + suffix;
    }

    private string DisplayName(TypeRef type) => (type.Kind switch
    {
        TypeRefKind.Primitive => char.ToUpperInvariant(type.Format![0]) + type.Format.Substring(1).Replace("-", string.Empty),
        TypeRefKind.Array => DisplayName(type.Arguments[0]) + "Array",
        TypeRefKind.Dictionary => "DictionaryOf" + DisplayName(type.Arguments[1]),
        TypeRefKind.Named when type.Name is { } id && _types.TryGetValue(id, out var model) =>
            AsyncApiNames.Key(model.Name) + (type.Arguments.Count == 0 ? string.Empty : "Of" + string.Join("And", type.Arguments.Select(DisplayName))),
        _ => "Any",
    }) + (type.IsNullable && type.Kind != TypeRefKind.Any ? "OrNull" : string.Empty);
}
