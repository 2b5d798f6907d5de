using Microsoft.CodeAnalysis;

namespace TypedSse.Generator;

/// <summary>Which C# a compilation gets for its contracts: the server's sender, the .NET client, or both.</summary>
internal readonly record struct EmitTargets(bool Sender, bool DotNetClient)
{
    /// <summary>
    /// The sender unless the compilation references the .NET client without the server runtime (the sender needs
    /// ASP.NET Core); the .NET client in exactly that case.
    /// </summary>
    public static EmitTargets Of(Compilation compilation)
    {
        bool runtime = false, client = false;
        foreach (var assembly in compilation.ReferencedAssemblyNames)
        {
            runtime |= assembly.Name == "TypedSse.Runtime";
            client |= assembly.Name == "TypedSse.Client";
        }

        var clientOnly = client && !runtime;
        return new EmitTargets(Sender: !clientOnly, DotNetClient: clientOnly);
    }
}
