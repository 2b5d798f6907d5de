using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Emitting.TypeScript;

/// <summary>The names the TypeScript emitter gives files and declarations, and the escaping it needs.</summary>
internal static class TypeScriptNames
{
    /// <summary>The folder, beside the generated files, that holds the shared runtime; also the namespace import's name.</summary>
    public const string Runtime = "typedsse";

    // Reserved words cannot name a parameter or a declaration; the type names the emitted code itself uses must not
    // be shadowed by a payload type of the same name.
    private static readonly HashSet<string> ReservedWords =
    [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
        "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
        "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
        "implements", "interface", "let", "package", "private", "protected", "public", "static", "yield", "await",
        "arguments", "eval", "undefined", "async", "of", "type", "as", "is", "keyof", "infer", "declare", "module",
        "namespace", "abstract", "readonly", "any", "unknown", "never", "object", "string", "number", "boolean",
        "symbol", "bigint", "unique", "satisfies", "accessor", "constructor", "get", "set", "from", "global", "out",
    ];

    private static readonly HashSet<string> UsedGlobals =
    [
        Runtime, "Array", "Record", "Partial", "Omit", "String", "URL", "AbortSignal", "Symbol", "Promise", "Object",
        "encodeURIComponent",
    ];

    /// <summary>The prefix of the generated declarations: the contract name, after its containing types (<c>BoardsBoardEvents</c>).</summary>
    public static string Prefix(ContractModel contract) => string.Concat(contract.ContainingTypes) + contract.Name;

    /// <summary>
    /// The file of each contract: the kebab-case prefix (<c>chat-events.ts</c>); contracts whose names collide get
    /// their namespace in front (<c>admin.chat-events.ts</c>).
    /// </summary>
    public static IReadOnlyList<string> FileNames(IReadOnlyList<ContractModel> contracts)
    {
        var plain = contracts.Select(static c => Kebab(Prefix(c))).ToList();
        var names = new List<string>();
        var used = new UniqueNames(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < contracts.Count; i++)
        {
            var name = plain[i];
            if (plain.Count(n => n == name) > 1 && contracts[i].Namespace.Length > 0)
            {
                name = contracts[i].Namespace.ToLowerInvariant() + "." + name;
            }

            names.Add(used.New(name, "-") + ".ts");
        }

        return names;
    }

    /// <summary><c>ChatEvents</c> → <c>chat-events</c>, <c>HTTPEvents</c> → <c>http-events</c>.</summary>
    public static string Kebab(string name)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                if (builder.Length > 0 && builder[builder.Length - 1] != '-')
                {
                    builder.Append('-');
                }

                continue;
            }

            if (char.IsUpper(c) && i > 0 && builder.Length > 0 && builder[builder.Length - 1] != '-'
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString().Trim('-');
    }

    /// <summary>A parameter or local name: a reserved word gets a trailing underscore (<c>class</c> → <c>class_</c>).</summary>
    public static string Identifier(string name)
    {
        var identifier = IsIdentifier(name) ? name : Sanitize(name);
        return ReservedWords.Contains(identifier) ? identifier + "_" : identifier;
    }

    /// <summary>True when a declaration may be called <paramref name="name"/> in a generated file.</summary>
    public static bool IsAvailableTypeName(string name) => IsIdentifier(name) && !ReservedWords.Contains(name) && !UsedGlobals.Contains(name);

    /// <summary>An object key: as it is when it is an identifier, quoted otherwise (<c>"my-key"</c>).</summary>
    public static string PropertyKey(string name) => IsIdentifier(name) ? name : Literal(name);

    /// <summary>
    /// A key in an object literal that creates the property: as <see cref="PropertyKey"/>, except <c>__proto__</c>,
    /// which a plain or quoted key would take as the object's prototype, and so is computed.
    /// </summary>
    public static string LiteralKey(string name) => name == "__proto__" ? "[\"__proto__\"]" : PropertyKey(name);

    /// <summary>A property access: <c>route.room</c>, or <c>route["class-name"]</c>.</summary>
    public static string Access(string target, string name) => IsIdentifier(name) ? target + "." + name : target + "[" + Literal(name) + "]";

    /// <summary>A double-quoted string literal.</summary>
    public static string Literal(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\u2028': builder.Append("\\u2028"); break;
                case '\u2029': builder.Append("\\u2029"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Text for a JSDoc comment: a <c>*/</c> would end it early.</summary>
    public static string Doc(string text) => text.Replace("*/", "*\\/");

    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] is '_' or '$'))
        {
            return false;
        }

        return name.All(static c => char.IsLetterOrDigit(c) || c is '_' or '$');
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name)
        {
            builder.Append(char.IsLetterOrDigit(c) || c is '_' or '$' ? c : '_');
        }

        return builder.Length == 0 || char.IsDigit(builder[0]) ? "_" + builder : builder.ToString();
    }
}
