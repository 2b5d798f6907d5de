using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Emitting.CSharp;

/// <summary>The names the C# emitter gives generated types and members, and the escaping it needs.</summary>
internal static class CSharpNames
{
    /// <summary>The public static class holding the contract's extension methods: <c>ChatEventsExtensions</c>, or <c>OuterChatEventsExtensions</c> when nested.</summary>
    public static string ExtensionsClass(ContractModel contract) => string.Concat(contract.ContainingTypes) + contract.Name + "Extensions";

    public static string SenderClass(ContractModel contract) => string.Concat(contract.ContainingTypes) + contract.Name + "Sender";

    public static string MapMethod(ContractModel contract) => "Map" + contract.Name;

    /// <summary><c>MyApp.IChatEvents.EventStream.g.cs</c>; nested types are joined with '-', which no identifier contains.</summary>
    public static string HintName(ContractModel contract)
    {
        var type = string.Join("-", contract.ContainingTypes.Append(contract.InterfaceName));
        var name = contract.Namespace.Length > 0 ? contract.Namespace + "." + type : type;
        return new string(name.Select(static c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray()) + ".EventStream.g.cs";
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
