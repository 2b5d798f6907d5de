using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace TypedSse.Benchmarks.Load;

/// <summary>What the benchmark knows how to start: a name for the table, and the command line.</summary>
/// <param name="Path">What a subscriber requests: the stream, or for the multiplexed server one connection to several streams.</param>
internal sealed record ServerKind(string Id, string Title, string FileName, string[] Arguments, string WorkingDirectory, string Path = "/bench");

/// <summary>A server under test in its own process, with its CPU time and memory read from /proc.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly long ClockTicksPerSecond = 100; // sysconf(_SC_CLK_TCK) on Linux

    private readonly Process _process;

    private ServerProcess(Process process, ServerKind kind, int port)
    {
        _process = process;
        Kind = kind;
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
        Control = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public ServerKind Kind { get; }

    public IPEndPoint EndPoint { get; }

    public HttpClient Control { get; }

    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(ServerKind kind, int port, double keepAliveSeconds, string? cpus)
    {
        var start = new ProcessStartInfo
        {
            FileName = cpus is null ? kind.FileName : "taskset",
            WorkingDirectory = kind.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (cpus is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add(kind.FileName);
        }
        foreach (var argument in kind.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--keep-alive-seconds");
        start.ArgumentList.Add(keepAliveSeconds.ToString(CultureInfo.InvariantCulture));

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {kind.FileName}.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  [{kind.Id}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  [{kind.Id}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, kind, port);
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return server;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Kind.Id} exited with code {_process.ExitCode} before it answered.");
            }
            try
            {
                long before = MonotonicMicroseconds();
                long serverNow = long.Parse(await Control.GetStringAsync("control/clock"), CultureInfo.InvariantCulture);
                long after = MonotonicMicroseconds();
                if (serverNow < before - 1000 || serverNow > after + 1000)
                {
                    throw new InvalidOperationException(
                        $"{Kind.Id}'s clock reads {serverNow} µs, outside [{before}, {after}]: it is not the same monotonic clock, so latencies would be wrong.");
                }
                return;
            }
            catch (HttpRequestException) when (elapsed.Elapsed < timeout)
            {
                await Task.Delay(100);
            }
        }
    }

    public static long MonotonicMicroseconds() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    public async Task<ServerStats> StatsAsync(bool collectGarbage = false)
    {
        string json = await Control.GetStringAsync(collectGarbage ? "control/stats?gc=true" : "control/stats");
        return JsonSerializer.Deserialize(json, LoadJsonContext.Default.ServerStats)!;
    }

    public async Task<long> PublishAsync(int count)
    {
        using var response = await Control.PostAsync($"control/publish?count={count}", null);
        response.EnsureSuccessStatusCode();
        return long.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
    }

    public async Task<long> PaceAsync(double rate, int milliseconds)
    {
        using var response = await Control.PostAsync(
            string.Create(CultureInfo.InvariantCulture, $"control/pace?rate={rate}&milliseconds={milliseconds}"), null);
        response.EnsureSuccessStatusCode();
        return long.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>User plus system CPU time of the process so far.</summary>
    public TimeSpan CpuTime()
    {
        string stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of /proc/<pid>/stat; the split starts at field 3.
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);
    }

    /// <summary>Resident set size in bytes.</summary>
    public long Rss()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("No VmRSS in /proc/<pid>/status.");
    }

    public async ValueTask DisposeAsync()
    {
        Control.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

internal sealed record ServerStats(int Subscribers, long LastSeq, long ManagedHeapBytes, long DroppedEvents, long Disconnects, long PublishingMicros, bool Pacing);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ServerStats))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<FanOutResult>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<IdleResult>))]
internal sealed partial class LoadJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
