using System.Globalization;

namespace TypedSse.Benchmarks.Load;

internal sealed class BenchmarkSettings
{
    /// <summary>The multiplexed TypedSse server: each connection carries three subscriptions, and each tick goes to one of the three streams in turn.</summary>
    public const string MultiplexedTitle = "TypedSse, multiplexed (3 streams per connection)";

    private int _port = 5700;

    public required IReadOnlyList<ServerKind> Servers { get; init; }

    public required IReadOnlyList<int> Sizes { get; init; }

    public required int IdleConnections { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>The CPUs the servers run on (taskset), or null for all.</summary>
    public string? ServerCpus { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Measure { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan PacedMeasure { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The paced phase's rate, as a fraction of the slowest server's closed-loop rate at the same N. Events that leave
    /// one at a time cost several times what batched ones do, so half the maximum already loads a .NET server to the
    /// full and p99 measures its backlog.
    /// </summary>
    public double PacedFraction { get; init; } = 0.2;

    /// <summary>How many times each fan-out measurement is taken; the best counts.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>The time the fan-out runs may take; a round that would not fit is skipped.</summary>
    public TimeSpan FanOutBudget { get; init; } = TimeSpan.FromMinutes(5.5);

    /// <summary>A fixed paced rate in events/s, for experiments: skips the closed loop.</summary>
    public double? PacedRate { get; init; }

    /// <summary>Events in flight per connection in the closed loop: published, not yet received.</summary>
    public int WindowEvents { get; init; } = 64;

    /// <summary>Publish calls in flight at once in the closed loop.</summary>
    public int ConcurrentPublishCalls { get; init; } = 4;

    public int ReceiveBufferSize { get; init; } = 16 * 1024;

    public TimeSpan IdleKeepAlive { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Each server process gets a port of its own, so no connection of one run waits on another's.</summary>
    public int NextPort() => Interlocked.Increment(ref _port);

    public static BenchmarkSettings Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        string serversDll = Path.GetFullPath(Get("--servers-dll", "TypedSse.Benchmarks.Servers.dll"));
        string nodeDir = Path.GetFullPath(Get("--node-dir", "node"));
        var known = new Dictionary<string, ServerKind>
        {
            ["typedsse"] = new("typedsse", "TypedSse", "dotnet", [serversDll, "--server", "typedsse"], Path.GetDirectoryName(serversDll)!),
            ["typedsse-mux"] = new("typedsse-mux", MultiplexedTitle, "dotnet", [serversDll, "--server", "typedsse-mux"], Path.GetDirectoryName(serversDll)!,
                "/events?s=/bench&s=/bench/a&s=/bench/b"),
            ["handwritten"] = new("handwritten", "Hand-written (TypedResults.ServerSentEvents)", "dotnet", [serversDll, "--server", "handwritten"], Path.GetDirectoryName(serversDll)!),
            ["raw"] = new("raw", "Raw Kestrel (ceiling)", "dotnet", [serversDll, "--server", "raw"], Path.GetDirectoryName(serversDll)!),
            ["sse-channel"] = new("sse-channel", "Node sse-channel", "node", ["--expose-gc", Path.Combine(nodeDir, "sse-channel-server.mjs")], nodeDir),
        };
        string cpus = Get("--server-cpus", "");
        return new BenchmarkSettings
        {
            Servers = Get("--servers", "typedsse,typedsse-mux,handwritten,raw,sse-channel").Split(',').Select(id => known[id]).ToArray(),
            Sizes = Get("--sizes", "100,1000,5000").Split(',', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "none").Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            IdleConnections = int.Parse(Get("--idle", "10000"), CultureInfo.InvariantCulture),
            OutputDirectory = Path.GetFullPath(Get("--out", "results")),
            ServerCpus = cpus.Length == 0 ? null : cpus,
            Measure = TimeSpan.FromSeconds(double.Parse(Get("--measure-seconds", "3"), CultureInfo.InvariantCulture)),
            PacedMeasure = TimeSpan.FromSeconds(double.Parse(Get("--paced-seconds", "3"), CultureInfo.InvariantCulture)),
            Rounds = int.Parse(Get("--rounds", "2"), CultureInfo.InvariantCulture),
            PacedRate = Get("--paced-rate", "") is { Length: > 0 } rate ? double.Parse(rate, CultureInfo.InvariantCulture) : null,
            IdleKeepAlive = TimeSpan.FromSeconds(double.Parse(Get("--idle-keep-alive-seconds", "2"), CultureInfo.InvariantCulture)),
        };
    }
}
