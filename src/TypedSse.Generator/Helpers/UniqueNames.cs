using System;
using System.Collections.Generic;
using System.Globalization;

namespace TypedSse.Generator.Helpers;

/// <summary>
/// Hands out names that collide neither with each other nor with the names reserved in this scope or the scopes
/// around it. Every emitter names what it generates through one of these, after reserving what the user named, so
/// generated code compiles whatever the user calls things.
/// </summary>
internal sealed class UniqueNames
{
    private readonly HashSet<string> _used;
    private readonly UniqueNames? _parent;
    private readonly Func<string, bool>? _isAvailable;

    /// <param name="comparer">How names compare; ordinal by default.</param>
    /// <param name="isAvailable">Rejects names the target language cannot use, such as its reserved words.</param>
    public UniqueNames(IEqualityComparer<string>? comparer = null, Func<string, bool>? isAvailable = null)
    {
        _used = new HashSet<string>(comparer ?? StringComparer.Ordinal);
        _isAvailable = isAvailable;
    }

    private UniqueNames(UniqueNames parent)
    {
        _used = new HashSet<string>(parent._used.Comparer);
        _parent = parent;
        _isAvailable = parent._isAvailable;
    }

    /// <summary>A nested scope: it sees every name of this one, and its own names stay out of this one.</summary>
    public UniqueNames Scope() => new(this);

    /// <summary>Takes <paramref name="name"/> as it is, whether or not it is already taken (a name the user chose).</summary>
    public UniqueNames Reserve(string name)
    {
        _used.Add(name);
        return this;
    }

    public UniqueNames Reserve(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            _used.Add(name);
        }

        return this;
    }

    public bool Contains(string name) => _used.Contains(name) || (_parent?.Contains(name) ?? false);

    /// <summary>
    /// <paramref name="name"/> when it is free, otherwise the first free of <c>name2</c>, <c>name3</c>, … (with
    /// <paramref name="separator"/> before the number); the result is taken.
    /// </summary>
    public string New(string name, string separator = "")
    {
        var candidate = name;
        for (var suffix = 2; !IsFree(candidate); suffix++)
        {
            candidate = name + separator + suffix.ToString(CultureInfo.InvariantCulture);
        }

        _used.Add(candidate);
        return candidate;
    }

    /// <summary>The first free name of <paramref name="candidates"/>, or a numbered form of the last one; the result is taken.</summary>
    public string New(IReadOnlyList<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (IsFree(candidate))
            {
                _used.Add(candidate);
                return candidate;
            }
        }

        return New(candidates[candidates.Count - 1]);
    }

    private bool IsFree(string name) => !Contains(name) && (_isAvailable?.Invoke(name) ?? true);
}
