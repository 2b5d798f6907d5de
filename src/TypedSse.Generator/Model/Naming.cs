using System;

namespace TypedSse.Generator.Model;

/// <summary>The naming rules of contracts, events and JSON, in one place.</summary>
public static class Naming
{
    /// <summary>The contract's name: the interface name without a leading <c>I</c> before an upper-case letter.</summary>
    public static string ContractName(string interfaceName) =>
        interfaceName.Length > 1 && interfaceName[0] == 'I' && char.IsUpper(interfaceName[1])
            ? interfaceName.Substring(1)
            : interfaceName;

    /// <summary>
    /// The stream name: <c>[EventStream(Name = ...)]</c> when set, otherwise the contract name without a trailing
    /// <c>Events</c> (<c>IChatEvents</c> → <c>Chat</c>; <c>IEvents</c> stays <c>Events</c>).
    /// </summary>
    public static string StreamName(string interfaceName, string? explicitName)
    {
        if (explicitName is not null)
        {
            return explicitName;
        }

        var name = ContractName(interfaceName);
        const string Suffix = "Events";
        return name.Length > Suffix.Length && name.EndsWith(Suffix, StringComparison.Ordinal)
            ? name.Substring(0, name.Length - Suffix.Length)
            : name;
    }

    /// <summary>The event name of a method without <c>[EventName]</c>.</summary>
    public static string EventName(string methodName) => CamelCase(methodName);

    /// <summary>System.Text.Json's <c>JsonNamingPolicy.CamelCase</c>, character for character.</summary>
    public static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            var hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }
}
