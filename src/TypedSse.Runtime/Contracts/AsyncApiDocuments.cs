using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;

namespace TypedSse;

/// <summary>
/// The AsyncAPI documents of the app's contracts. The TypedSse source generator writes one per assembly with
/// contracts, which registers it here when the assembly loads; <c>app.MapAsyncApiDocument()</c> serves it.
/// </summary>
public static class AsyncApiDocuments
{
    private static readonly ConcurrentDictionary<Assembly, string> Documents = new();

    /// <summary>Registers the AsyncAPI document (JSON) of the contracts of <paramref name="assembly"/>; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(Assembly assembly, string document)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(document);
        Documents[assembly] = document;
    }

    /// <summary>
    /// The document of <paramref name="assembly"/>; without one, the only document registered, or else the entry
    /// assembly's.
    /// </summary>
    /// <exception cref="InvalidOperationException">No document fits; the message says why and how to choose.</exception>
    public static string Get(Assembly? assembly = null)
    {
        if (assembly is not null)
        {
            return Documents.TryGetValue(assembly, out var own) ? own : throw new InvalidOperationException(
                $"The assembly {assembly.GetName().Name} has no AsyncAPI document: it declares no [EventStream] contract, or the TypedSse source generator did not run on it.");
        }

        var all = Documents.ToArray();
        if (all.Length == 1)
        {
            return all[0].Value;
        }
        if (Assembly.GetEntryAssembly() is { } entry && Documents.TryGetValue(entry, out var entryDocument))
        {
            return entryDocument;
        }
        throw new InvalidOperationException(all.Length == 0
            ? "No AsyncAPI document is registered: no loaded assembly declares an [EventStream] contract compiled with the TypedSse source generator."
            : $"Several assemblies have an AsyncAPI document ({string.Join(", ", all.Select(static d => d.Key.GetName().Name).Order(StringComparer.Ordinal))}): pass the one to serve, as MapAsyncApiDocument(pattern, typeof(IMyEvents).Assembly).");
    }
}
