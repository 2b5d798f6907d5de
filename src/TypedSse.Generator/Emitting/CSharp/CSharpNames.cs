using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Emitting.CSharp;

/// <summary>The names the C# emitter gives generated types and members, and the escaping it needs.</summary>
internal static class CSharpNames
{
    /// <summary>
    /// The names of each contract's generated file, extensions class, map method and sender, unique in the
    /// compilation: across contracts (<c>Outer.IChatEvents</c> next to <c>IOuterChatEvents</c>) and against the types
    /// the user declared in the same namespace.
    /// </summary>
    public static EquatableArray<NamedContract> Assign(IEnumerable<ContractModel> contracts)
    {
        var ordered = contracts
            .OrderBy(static c => c.Namespace, StringComparer.Ordinal)
            .ThenBy(static c => string.Join(".", c.ContainingTypes), StringComparer.Ordinal)
            .ThenBy(static c => c.InterfaceName, StringComparer.Ordinal)
            .ToList();

        // Hint names must differ ignoring case, as files on a case-insensitive disk would.
        var hintNames = new UniqueNames(StringComparer.OrdinalIgnoreCase);
        var namespaces = new Dictionary<string, (UniqueNames Types, UniqueNames MapMethods)>(StringComparer.Ordinal);
        foreach (var contract in ordered)
        {
            if (!namespaces.TryGetValue(contract.Namespace, out var scope))
            {
                var types = new UniqueNames();
                foreach (var other in ordered.Where(c => c.Namespace == contract.Namespace))
                {
                    types.Reserve(other.NamespaceTypeNames);
                }

                scope = (types, new UniqueNames());
                namespaces.Add(contract.Namespace, scope);
            }
        }

        return ordered.Select(contract =>
        {
            var (types, mapMethods) = namespaces[contract.Namespace];
            var prefix = string.Concat(contract.ContainingTypes) + contract.Name;
            return new NamedContract(contract, new ContractNames
            {
                HintName = hintNames.New(HintStem(contract), "-") + ".EventStream.g.cs",
                ExtensionsClass = types.New(prefix + "Extensions"),
                SenderClass = types.New(prefix + "Sender"),
                MapMethod = mapMethods.New(new[] { "Map" + contract.Name, "Map" + prefix }),
            });
        }).ToEquatableArray();
    }

    /// <summary><c>MyApp.IChatEvents</c>; nested types are joined with '-', which no identifier contains.</summary>
    private static string HintStem(ContractModel contract)
    {
        var type = string.Join("-", contract.ContainingTypes.Append(contract.InterfaceName));
        var name = contract.Namespace.Length > 0 ? contract.Namespace + "." + type : type;
        return new string(name.Select(static c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
    }

    /// <summary>A namespace as C# source: <c>class.event</c> → <c>@class.@event</c>.</summary>
    public static string Namespace(string name) => string.Join(".", name.Split('.').Select(Identifier));

    /// <summary>Escapes a C# keyword used as an identifier: <c>event</c> → <c>@event</c>.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A C# parameter name for a route parameter such as <c>room-id</c> → <c>roomId</c>.</summary>
    public static string RouteParameter(string routeName)
    {
        var builder = new StringBuilder();
        var upperNext = false;
        foreach (var c in routeName)
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
                upperNext = false;
            }
            else
            {
                upperNext = builder.Length > 0;
            }
        }

        var name = builder.Length == 0 || char.IsDigit(builder[0]) ? "_" + builder : builder.ToString();
        return Identifier(Naming.CamelCase(name));
    }

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>Escapes text for an XML doc comment.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}

/// <summary>The names <see cref="CSharpNames.Assign"/> gave one contract's generated C#.</summary>
public sealed record ContractNames
{
    /// <summary><c>MyApp.IChatEvents.EventStream.g.cs</c>.</summary>
    public required string HintName { get; init; }

    /// <summary>The static class of the extension methods: <c>ChatEventsExtensions</c>, <c>OuterChatEventsExtensions</c> when nested.</summary>
    public required string ExtensionsClass { get; init; }

    /// <summary>The file-local class implementing the contract.</summary>
    public required string SenderClass { get; init; }

    /// <summary><c>MapChatEvents</c>.</summary>
    public required string MapMethod { get; init; }
}

/// <summary>A contract with the names of its generated C#: what the C# emitter reads.</summary>
public sealed record NamedContract(ContractModel Contract, ContractNames Names);
