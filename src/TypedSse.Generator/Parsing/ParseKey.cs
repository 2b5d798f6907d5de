using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TypedSse.Generator.Parsing;

/// <summary>
/// What parsing a contract may read, found from syntax alone: the contract's files; every file that declares a type
/// whose name one of those files mentions, and so on transitively (payload types, their members' types, base types,
/// constants in attribute arguments); the declarations those names can bind to, so that a type added elsewhere that
/// would change what a name means (shadowing, or fixing an unknown name) counts; the global usings; and the
/// compilation's references and options. Two compilations with matching keys give the same parse.
/// </summary>
/// <remarks>
/// The key over-approximates by name. A mention of <c>Order</c> in a file counts a top-level type <c>Order</c> of a
/// namespace the file can reach: the global namespace, or one whose last name the file (or a global using) mentions,
/// which every enclosing namespace, using directive and qualified name does; and every nested type <c>Order</c>, since
/// inheritance can bring those into scope. Files are compared by identity: an unchanged file is the same <see cref="SyntaxTree"/> in every
/// compilation of an edit session, so the check costs no text comparison. Per-file names and per-compilation indexes
/// are memoized on the immutable tree and compilation objects.
/// </remarks>
internal sealed class ParseKey
{
    private static readonly ConditionalWeakTable<SyntaxTree, FileNames> Files = new();
    private static readonly ConditionalWeakTable<Compilation, CompilationNames> Compilations = new();

    private readonly SyntaxTree[] _files;
    private readonly string[] _declarations;
    private readonly OutsideSource _compilation;

    private ParseKey(SyntaxTree[] files, string[] declarations, OutsideSource compilation)
    {
        _files = files;
        _declarations = declarations;
        _compilation = compilation;
    }

    public static ParseKey For(Compilation compilation, IEnumerable<SyntaxTree> contractFiles, CancellationToken cancellationToken)
    {
        var names = Compilations.GetValue(compilation, static c => new CompilationNames(c));
        var files = new List<SyntaxTree>();
        var seenFiles = new HashSet<SyntaxTree>();
        var seenGroups = new HashSet<DeclarationGroup>();
        var declarations = new List<string>();

        foreach (var file in contractFiles)
        {
            if (seenFiles.Add(file))
            {
                files.Add(file);
            }
        }

        // Files are visited in the order they are found, and each file's names in a fixed order, so two compilations
        // that match give the same sequence of declarations: no sorting is needed to compare them.
        Visit(names.GlobalUsingNames, names.GlobalUsingNameSet);
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = Names(files[i]);
            Visit(file.Mentioned, file.MentionedSet);
        }

        return new ParseKey(files.ToArray(), declarations.ToArray(), names.Outside);

        void Visit(string[] mentioned, HashSet<string> reachable)
        {
            foreach (var name in mentioned)
            {
                if (!names.ByName.TryGetValue(name, out var declared))
                {
                    continue;
                }

                if (declared.Groups.Length <= reachable.Count + names.GlobalUsingNames.Length)
                {
                    foreach (var group in declared.Groups)
                    {
                        if (group.Scope.Length == 0 || reachable.Contains(group.Scope) || names.GlobalUsingNameSet.Contains(group.Scope))
                        {
                            Take(group);
                        }
                    }
                }
                else
                {
                    // Many namespaces declare the name (Item in every area): look up the reachable ones instead.
                    Take(declared.InScope(""));
                    foreach (var scope in reachable)
                    {
                        Take(declared.InScope(scope));
                    }

                    foreach (var scope in names.GlobalUsingNames)
                    {
                        Take(declared.InScope(scope));
                    }
                }
            }
        }

        void Take(DeclarationGroup? group)
        {
            if (group is null || !seenGroups.Add(group))
            {
                return;
            }

            declarations.Add(group.Declarations);
            foreach (var file in group.TypeFiles)
            {
                if (seenFiles.Add(file))
                {
                    files.Add(file);
                }
            }
        }
    }

    /// <summary>True when a parse keyed by <paramref name="other"/> reads what a parse keyed by this one reads.</summary>
    public bool Matches(ParseKey other)
    {
        if (_files.Length != other._files.Length || _declarations.Length != other._declarations.Length || !_compilation.Matches(other._compilation))
        {
            return false;
        }

        for (var i = 0; i < _files.Length; i++)
        {
            if (!ReferenceEquals(_files[i], other._files[i]))
            {
                return false;
            }
        }

        for (var i = 0; i < _declarations.Length; i++)
        {
            if (!string.Equals(_declarations[i], other._declarations[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static FileNames Names(SyntaxTree file) => Files.GetValue(file, static f => new FileNames(f));

    /// <summary>What one compilation declares in source, by simple name, and what it takes from outside source.</summary>
    private sealed class CompilationNames
    {
        public CompilationNames(Compilation compilation)
        {
            var byName = new Dictionary<string, List<Declaration>>(StringComparer.Ordinal);
            var globalUsings = new List<string>();
            var globalUsingNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in compilation.SyntaxTrees)
            {
                var names = Names(file);
                foreach (var declaration in names.Declared)
                {
                    if (!byName.TryGetValue(declaration.Name, out var list))
                    {
                        byName.Add(declaration.Name, list = new List<Declaration>());
                    }

                    list.Add(declaration);
                }

                if (names.GlobalUsings.Length > 0)
                {
                    globalUsings.Add(names.GlobalUsings);
                    globalUsingNames.UnionWith(names.GlobalUsingNames);
                }
            }

            foreach (var entry in byName)
            {
                ByName.Add(entry.Key, new NameDeclarations(entry.Value));
            }

            Outside = new OutsideSource(compilation.References.ToArray(), compilation.Options, string.Join("\n", globalUsings));
            GlobalUsingNames = globalUsingNames.ToArray();
            GlobalUsingNameSet = globalUsingNames;
        }

        public Dictionary<string, NameDeclarations> ByName { get; } = new(StringComparer.Ordinal);

        /// <summary>The names the global usings mention: they bind in every file.</summary>
        public string[] GlobalUsingNames { get; }

        public HashSet<string> GlobalUsingNameSet { get; }

        public OutsideSource Outside { get; }
    }

    /// <summary>
    /// What binds every file of a compilation besides its declarations: references, options and global usings. Kept
    /// apart from the index, so that a cached key holds no files of the compilation it was made in beyond its own.
    /// </summary>
    private sealed class OutsideSource(MetadataReference[] references, CompilationOptions options, string globalUsings)
    {
        private readonly MetadataReference[] _references = references;
        private readonly CompilationOptions _options = options;
        private readonly string _globalUsings = globalUsings;

        public bool Matches(OutsideSource other)
        {
            if (ReferenceEquals(this, other))
            {
                return true;
            }

            if (_globalUsings != other._globalUsings || _references.Length != other._references.Length || !_options.Equals(other._options))
            {
                return false;
            }

            for (var i = 0; i < _references.Length; i++)
            {
                if (!ReferenceEquals(_references[i], other._references[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Everything declared under one simple name, grouped by the scope a mention must reach.</summary>
    private sealed class NameDeclarations
    {
        private readonly Dictionary<string, DeclarationGroup> _byScope = new(StringComparer.Ordinal);

        public NameDeclarations(List<Declaration> declared)
        {
            Groups = declared.GroupBy(static d => d.Scope, StringComparer.Ordinal).Select(static g => new DeclarationGroup(g.Key, g.ToList())).ToArray();
            foreach (var group in Groups)
            {
                _byScope.Add(group.Scope, group);
            }
        }

        public DeclarationGroup[] Groups { get; }

        public DeclarationGroup? InScope(string scope) => _byScope.TryGetValue(scope, out var group) ? group : null;
    }

    /// <summary>The declarations of one name in one scope: in one comparable string, and the files of the types.</summary>
    private sealed class DeclarationGroup
    {
        public DeclarationGroup(string scope, List<Declaration> declared)
        {
            Scope = scope;
            var ids = declared.Select(static d => d.Id).Distinct(StringComparer.Ordinal).ToArray();
            Array.Sort(ids, StringComparer.Ordinal);
            Declarations = string.Join(";", ids);
            TypeFiles = declared.Where(static d => d.IsType).Select(static d => d.File).Distinct().ToArray();
        }

        /// <summary>The last name of the namespace that must be reachable; empty for the global namespace and nested types.</summary>
        public string Scope { get; }

        public string Declarations { get; }

        public SyntaxTree[] TypeFiles { get; }
    }

    /// <param name="Name">The simple name a mention binds through (an attribute class also under its name without <c>Attribute</c>).</param>
    /// <param name="Scope">See <see cref="DeclarationGroup.Scope"/>.</param>
    /// <param name="Id">The declaration, for example <c>T:MyApp.Outer.Page`1</c> or <c>N:MyApp.Shared</c>.</param>
    /// <param name="IsType">A type, whose file is read; a namespace is only looked up.</param>
    private sealed record Declaration(string Name, string Scope, string Id, bool IsType, SyntaxTree File);

    /// <summary>The names one file declares and mentions.</summary>
    private sealed class FileNames
    {
        private readonly SyntaxTree _file;
        private string[]? _mentioned;
        private HashSet<string>? _mentionedSet;

        public FileNames(SyntaxTree file)
        {
            _file = file;
            var root = (CompilationUnitSyntax)file.GetRoot();
            var declared = new List<Declaration>();
            Declare(root.Members, "", "", inType: false, declared);
            Declared = declared;

            var globalUsings = root.Usings.Where(static u => u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword)).ToList();
            GlobalUsings = string.Join("\n", globalUsings.Select(static u => u.ToString()));
            GlobalUsingNames = globalUsings.SelectMany(static u => Identifiers(u)).Distinct().ToArray();
        }

        public IReadOnlyList<Declaration> Declared { get; }

        public string GlobalUsings { get; }

        public string[] GlobalUsingNames { get; }

        /// <summary>Every identifier in the file, read once when the file is first part of a key.</summary>
        public string[] Mentioned => _mentioned ??= Identifiers(_file.GetRoot()).Distinct().ToArray();

        public HashSet<string> MentionedSet => _mentionedSet ??= new HashSet<string>(Mentioned, StringComparer.Ordinal);

        // container: the full name of the enclosing namespace or type; scope: the last name of the enclosing namespace.
        private void Declare(SyntaxList<MemberDeclarationSyntax> members, string container, string scope, bool inType, List<Declaration> declared)
        {
            foreach (var member in members)
            {
                switch (member)
                {
                    case BaseNamespaceDeclarationSyntax ns:
                        var name = container;
                        var parentScope = scope;
                        foreach (var part in NameParts(ns.Name))
                        {
                            name = name.Length == 0 ? part : name + "." + part;
                            declared.Add(new Declaration(part, parentScope, "N:" + name, IsType: false, _file));
                            parentScope = part;
                        }

                        Declare(ns.Members, name, parentScope, inType: false, declared);
                        break;
                    case BaseTypeDeclarationSyntax type when type.Identifier.ValueText.Length > 0:
                        var typeName = Qualified(container, type.Identifier.ValueText, (type as TypeDeclarationSyntax)?.Arity ?? 0);
                        DeclareType(type.Identifier.ValueText, inType ? "" : scope, typeName, declared);
                        if (type is TypeDeclarationSyntax withMembers)
                        {
                            Declare(withMembers.Members, typeName, scope, inType: true, declared);
                        }

                        break;
                    case DelegateDeclarationSyntax @delegate:
                        DeclareType(@delegate.Identifier.ValueText, inType ? "" : scope, Qualified(container, @delegate.Identifier.ValueText, @delegate.Arity), declared);
                        break;
                }
            }
        }

        private void DeclareType(string name, string scope, string qualified, List<Declaration> declared)
        {
            declared.Add(new Declaration(name, scope, "T:" + qualified, IsType: true, _file));
            const string Suffix = "Attribute";
            if (name.Length > Suffix.Length && name.EndsWith(Suffix, StringComparison.Ordinal))
            {
                declared.Add(new Declaration(name.Substring(0, name.Length - Suffix.Length), scope, "T:" + qualified, IsType: true, _file));
            }
        }

        private static string Qualified(string container, string name, int arity)
        {
            var metadataName = arity > 0 ? name + "`" + arity : name;
            return container.Length == 0 ? metadataName : container + "." + metadataName;
        }

        private static IEnumerable<string> NameParts(NameSyntax name) => name switch
        {
            QualifiedNameSyntax qualified => NameParts(qualified.Left).Concat(NameParts(qualified.Right)),
            SimpleNameSyntax simple => new[] { simple.Identifier.ValueText },
            AliasQualifiedNameSyntax alias => new[] { alias.Name.Identifier.ValueText },
            _ => Array.Empty<string>(),
        };

        private static IEnumerable<string> Identifiers(SyntaxNode node) =>
            node.DescendantTokens().Where(static t => t.IsKind(SyntaxKind.IdentifierToken)).Select(static t => t.ValueText);
    }
}
