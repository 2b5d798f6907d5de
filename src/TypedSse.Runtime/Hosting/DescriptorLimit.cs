using System.Globalization;

namespace TypedSse.Hosting;

/// <summary>
/// The process's limit on open file descriptors, which every socket uses one of. A server that reaches it fails to
/// accept, to open files and even to start threads, and .NET may abort the process; caps below it turn a flood into
/// refusals instead.
/// </summary>
internal static class DescriptorLimit
{
    /// <summary>The soft limit (<c>ulimit -n</c>), or null where it cannot be read (not Linux).</summary>
    public static int? Soft { get; } = Read();

    /// <summary>
    /// The default <see cref="TypedSseOptions.MaxConnections"/>: the descriptor limit less a fifth of it, and less at
    /// least 320, which leaves room for the app's other requests, its files, database connections and the runtime's
    /// own descriptors (a couple of hundred); unlimited where the limit is unknown.
    /// </summary>
    public static int DefaultMaxConnections => Soft is int soft ? Math.Max(1, soft - Math.Max(soft / 5, 320)) : int.MaxValue;

    /// <summary>
    /// The default Kestrel <c>MaxConcurrentConnections</c> when the app sets none: the descriptor limit less a tenth,
    /// and less at least 256, so Kestrel closes a connection over it at once instead of running out of descriptors;
    /// null where the limit is unknown.
    /// </summary>
    public static long? DefaultMaxKestrelConnections => Soft is int soft ? Math.Max(1, soft - Math.Max(soft / 10, 256)) : null;

    private static int? Read()
    {
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                return null;
            }
            foreach (string line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    string[] fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int soft) ? soft : null;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
