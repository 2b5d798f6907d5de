using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TypedSse.Generator.Parsing;

/// <summary>
/// Each contract's last parse, with the <see cref="ParseKey"/> of what it read, so that a compilation that changed
/// nothing the parse reads (an edit in an unrelated file) reuses it instead of binding the payload types again.
/// </summary>
/// <remarks>
/// Roslyn reruns a <c>ForAttributeWithMetadataName</c> transform for every contract whenever the compilation changes,
/// and almost all of a parse is Roslyn binding the payload types' members and attributes for the new compilation:
/// about 2 ms a contract, against a few microseconds for the key. Entries hang off the contract's declaration node,
/// which an edit to the contract's file replaces, so they live as long as that version of the file.
/// </remarks>
internal sealed class ContractParseCache
{
    private readonly ConditionalWeakTable<InterfaceDeclarationSyntax, Entry> _entries = new();
    private int _parses;

    /// <summary>How many contracts were parsed rather than reused, for the tests.</summary>
    public int Parses => Volatile.Read(ref _parses);

    public ContractResult? GetOrParse(
        InterfaceDeclarationSyntax declaration,
        INamedTypeSymbol contract,
        Compilation compilation,
        Func<ContractResult?> parse,
        CancellationToken cancellationToken)
    {
        var key = ParseKey.For(compilation, DeclaringFiles(contract), cancellationToken);
        var entry = _entries.GetValue(declaration, static _ => new Entry());
        if (entry.Last is { } last && last.Key.Matches(key))
        {
            return last.Result;
        }

        Interlocked.Increment(ref _parses);
        var result = parse();
        entry.Last = new Parsed(key, result);
        return result;
    }

    private static IEnumerable<SyntaxTree> DeclaringFiles(INamedTypeSymbol contract)
    {
        foreach (var reference in contract.DeclaringSyntaxReferences)
        {
            yield return reference.SyntaxTree;
        }
    }

    private sealed class Entry
    {
        private Parsed? _last;

        public Parsed? Last
        {
            get => Volatile.Read(ref _last);
            set => Volatile.Write(ref _last, value);
        }
    }

    private sealed record Parsed(ParseKey Key, ContractResult? Result);
}
