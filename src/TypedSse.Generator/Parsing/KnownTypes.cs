using Microsoft.CodeAnalysis;

namespace TypedSse.Generator.Parsing;

/// <summary>Recognises well-known types by name, without looking them up in the compilation.</summary>
internal static class KnownTypes
{
    public const string EventStreamAttribute = "TypedSse.EventStreamAttribute";

    private const string Serialization = "System.Text.Json.Serialization";

    /// <summary>True when <paramref name="type"/> is <paramref name="ns"/>.<paramref name="metadataName"/>.</summary>
    public static bool Is(ITypeSymbol? type, string ns, string metadataName)
    {
        if (type is null || type.MetadataName != metadataName || type.ContainingType is not null)
        {
            return false;
        }

        return IsNamespace(type.ContainingNamespace, ns);
    }

    /// <summary>The namespace as written without <c>@</c> escapes, empty for the global namespace.</summary>
    public static string NamespaceName(INamespaceSymbol? ns)
    {
        var parts = new System.Collections.Generic.List<string>();
        for (; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            parts.Insert(0, ns.Name);
        }

        return string.Join(".", parts);
    }

    public static bool IsJsonAttribute(AttributeData attribute, string metadataName) =>
        Is(attribute.AttributeClass, Serialization, metadataName);

    public static bool IsTypedSseAttribute(AttributeData attribute, string metadataName) =>
        Is(attribute.AttributeClass, "TypedSse", metadataName);

    public static bool IsInNamespace(ITypeSymbol type, string ns) =>
        type.ContainingType is null && IsNamespace(type.ContainingNamespace, ns);

    private static bool IsNamespace(INamespaceSymbol? symbol, string ns)
    {
        var end = ns.Length;
        while (symbol is { IsGlobalNamespace: false })
        {
            if (end <= 0)
            {
                return false;
            }

            var start = ns.LastIndexOf('.', end - 1) + 1;
            var length = end - start;
            if (length != symbol.Name.Length || string.CompareOrdinal(ns, start, symbol.Name, 0, length) != 0)
            {
                return false;
            }

            end = start - 1;
            symbol = symbol.ContainingNamespace;
        }

        return end <= 0;
    }
}
