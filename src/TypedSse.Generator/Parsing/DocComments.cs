using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace TypedSse.Generator.Parsing;

/// <summary>
/// Reads XML doc comments as plain text for the model. One reader serves one contract's parse and reads each symbol's
/// comment once: a method's or a record's comment is asked for once per parameter.
/// </summary>
internal sealed class DocComments(CancellationToken cancellationToken)
{
    private readonly Dictionary<ISymbol, XElement?> _read = new(SymbolEqualityComparer.Default);

    public string? Summary(ISymbol symbol) =>
        Read(symbol)?.Element("summary") is { } summary ? ToText(summary) : null;

    /// <summary>The <c>&lt;param&gt;</c> text of a method's parameter, or of a record's positional parameter.</summary>
    public string? Parameter(ISymbol owner, string parameterName) =>
        Read(owner)?.Elements("param").FirstOrDefault(e => (string?)e.Attribute("name") == parameterName) is { } param
            ? ToText(param)
            : null;

    private XElement? Read(ISymbol symbol)
    {
        if (!_read.TryGetValue(symbol, out var element))
        {
            element = Parse(symbol, cancellationToken);
            _read.Add(symbol, element);
        }

        return element;
    }

    private static XElement? Parse(ISymbol symbol, CancellationToken cancellationToken)
    {
        // Without /doc the compiler does not parse doc comments (DocumentationMode.None), so fall back to the trivia.
        var xml = symbol.GetDocumentationCommentXml(cancellationToken: cancellationToken);
        if (string.IsNullOrWhiteSpace(xml))
        {
            xml = FromTrivia(symbol, cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        try
        {
            return XElement.Parse(xml, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static string? FromTrivia(ISymbol symbol, CancellationToken cancellationToken)
    {
        var reference = symbol.DeclaringSyntaxReferences.FirstOrDefault();
        if (reference is null)
        {
            return null;
        }

        var node = reference.GetSyntax(cancellationToken);
        // A field or enum member's trivia sits on its declaration; a variable declarator has none of its own.
        if (node.Parent?.Parent is { } declaration && node.Parent.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.VariableDeclaration))
        {
            node = declaration;
        }

        var builder = new StringBuilder();
        foreach (var trivia in node.GetLeadingTrivia())
        {
            var text = trivia.ToFullString();
            foreach (var rawLine in text.Split('\n'))
            {
                var line = rawLine.Trim();
                if (line.StartsWith("///", StringComparison.Ordinal))
                {
                    builder.Append(line.Substring(3)).Append('\n');
                }
            }
        }

        return builder.Length == 0 ? null : "<doc>" + builder + "</doc>";
    }

    private static string? ToText(XElement element)
    {
        var builder = new StringBuilder();
        Append(builder, element);
        var text = string.Join(" ", builder.ToString().Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? null : text;
    }

    private static void Append(StringBuilder builder, XElement element)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText text:
                    builder.Append(text.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } reference when !reference.Nodes().Any():
                    builder.Append(ReferenceText(reference));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                    builder.Append((string?)reference.Attribute("name"));
                    break;
                case XElement { Name.LocalName: "para" or "br" } paragraph:
                    builder.Append(' ');
                    Append(builder, paragraph);
                    builder.Append(' ');
                    break;
                case XElement child:
                    Append(builder, child);
                    break;
            }
        }
    }

    private static string? ReferenceText(XElement reference)
    {
        if ((string?)reference.Attribute("langword") is { } langword)
        {
            return langword;
        }

        if ((string?)reference.Attribute("href") is { } href)
        {
            return href;
        }

        var cref = (string?)reference.Attribute("cref");
        if (cref is null)
        {
            return null;
        }

        // "T:MyApp.ChatMessage", "M:MyApp.IChatEvents.Typing(System.String)" → "ChatMessage", "Typing"
        var colon = cref.IndexOf(':');
        var name = colon == 1 ? cref.Substring(2) : cref;
        var parenthesis = name.IndexOf('(');
        if (parenthesis >= 0)
        {
            name = name.Substring(0, parenthesis);
        }

        var generic = name.IndexOfAny(new[] { '`', '{', '<' });
        if (generic >= 0)
        {
            name = name.Substring(0, generic);
        }

        return name.Substring(name.LastIndexOf('.') + 1);
    }
}
