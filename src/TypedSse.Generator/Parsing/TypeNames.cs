using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace TypedSse.Generator.Parsing;

/// <summary>
/// Every type and namespace the parser recognises, by full metadata name, in one table; and the matching of a symbol
/// against an entry.
/// </summary>
/// <remarks>
/// Types are recognised by name rather than resolved with <c>Compilation.GetTypeByMetadataName</c>: a match needs no
/// compilation, costs no lookup across the references, and works the same in every transform. Matching compares
/// the symbol's names with parts of the table's string and allocates nothing.
/// </remarks>
internal static class TypeNames
{
    public const string EventStreamAttribute = "TypedSse.EventStreamAttribute";
    public const string EventNameAttribute = "TypedSse.EventNameAttribute";

    public const string Task = "System.Threading.Tasks.Task";
    public const string ValueTask = "System.Threading.Tasks.ValueTask";
    public const string CancellationToken = "System.Threading.CancellationToken";
    public const string Type = "System.Type";
    public const string Memory = "System.Memory`1";
    public const string ReadOnlyMemory = "System.ReadOnlyMemory`1";
    public const string FlagsAttribute = "System.FlagsAttribute";

    public const string DateTimeOffset = "System.DateTimeOffset";
    public const string DateOnly = "System.DateOnly";
    public const string TimeOnly = "System.TimeOnly";
    public const string TimeSpan = "System.TimeSpan";
    public const string Guid = "System.Guid";
    public const string Uri = "System.Uri";
    public const string Version = "System.Version";
    public const string Half = "System.Half";
    public const string Int128 = "System.Int128";
    public const string UInt128 = "System.UInt128";

    public const string IDictionary = "System.Collections.Generic.IDictionary`2";
    public const string IReadOnlyDictionary = "System.Collections.Generic.IReadOnlyDictionary`2";
    public const string IAsyncEnumerable = "System.Collections.Generic.IAsyncEnumerable`1";

    public const string JsonIncludeAttribute = "System.Text.Json.Serialization.JsonIncludeAttribute";
    public const string JsonIgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
    public const string JsonPropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
    public const string JsonNumberHandlingAttribute = "System.Text.Json.Serialization.JsonNumberHandlingAttribute";
    public const string JsonSourceGenerationOptionsAttribute = "System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute";
    public const string JsonPropertyOrderAttribute = "System.Text.Json.Serialization.JsonPropertyOrderAttribute";
    public const string JsonRequiredAttribute = "System.Text.Json.Serialization.JsonRequiredAttribute";
    public const string JsonExtensionDataAttribute = "System.Text.Json.Serialization.JsonExtensionDataAttribute";
    public const string JsonDerivedTypeAttribute = "System.Text.Json.Serialization.JsonDerivedTypeAttribute";
    public const string JsonPolymorphicAttribute = "System.Text.Json.Serialization.JsonPolymorphicAttribute";
    public const string JsonConverterAttribute = "System.Text.Json.Serialization.JsonConverterAttribute";
    public const string JsonStringEnumConverter = "System.Text.Json.Serialization.JsonStringEnumConverter";
    public const string JsonStringEnumConverterOfT = "System.Text.Json.Serialization.JsonStringEnumConverter`1";
    public const string JsonStringEnumMemberNameAttribute = "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute";

    /// <summary>Namespaces whose every type is recognised: <see cref="IsInNamespace"/>.</summary>
    public static class Namespaces
    {
        public const string System = "System";
        public const string Tasks = "System.Threading.Tasks";
        public const string Reflection = "System.Reflection";
        public const string Json = "System.Text.Json";
        public const string JsonNodes = "System.Text.Json.Nodes";
    }

    /// <summary>True when <paramref name="type"/> is the top-level type <paramref name="fullName"/>, one of this table's names.</summary>
    public static bool Is(ITypeSymbol? type, string fullName)
    {
        if (type is null || type.ContainingType is not null)
        {
            return false;
        }

        var dot = fullName.LastIndexOf('.');
        var name = type.MetadataName;
        return name.Length == fullName.Length - dot - 1
            && string.CompareOrdinal(fullName, dot + 1, name, 0, name.Length) == 0
            && IsNamespace(type.ContainingNamespace, fullName, Math.Max(dot, 0));
    }

    /// <summary>True when the attribute's class is <paramref name="fullName"/>.</summary>
    public static bool Is(AttributeData attribute, string fullName) => Is(attribute.AttributeClass, fullName);

    /// <summary>True when <paramref name="type"/> is a top-level type of the namespace <paramref name="ns"/> (not of one inside it).</summary>
    public static bool IsInNamespace(ITypeSymbol type, string ns) =>
        type.ContainingType is null && IsNamespace(type.ContainingNamespace, ns, ns.Length);

    /// <summary>The namespace as written without <c>@</c> escapes, empty for the global namespace.</summary>
    public static string NamespaceName(INamespaceSymbol? ns)
    {
        var parts = new List<string>();
        for (; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            parts.Insert(0, ns.Name);
        }

        return string.Join(".", parts);
    }

    // Compares the namespace with ns[0..end], from the innermost name outwards, without building its full name.
    private static bool IsNamespace(INamespaceSymbol? symbol, string ns, int end)
    {
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
