using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace TypedSse.App.Tests;

/// <summary>
/// The test app running in a child process on 127.0.0.1, port 0: started, its address read from what it prints,
/// stopped the way a service manager stops it (SIGTERM), and killed if a test leaves it running.
/// </summary>
internal sealed partial class AppProcess : IAsyncDisposable
{
    private static readonly string RuntimeIdentifier =
        typeof(AppProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RuntimeIdentifier").Value!;

    private readonly Process _process;
    private readonly ITestOutputHelper _output;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(ProcessStartInfo start, ITestOutputHelper output)
    {
        _output = output;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(e.Data);
        _process.ErrorDataReceived += (_, e) => Received(e.Data);
    }

    public static string RuntimeId => RuntimeIdentifier;

    /// <summary>The app's address, once it listens.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Whether the app's process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Every line the app printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The app as the solution build left it, run by the dotnet host.</summary>
    public static Task<AppProcess> StartManagedAsync(ITestOutputHelper output, params string[] arguments)
    {
        var assembly = Path.Combine(DotNet.RepositoryRoot, "tests", "TypedSse.TestApp", "bin", DotNet.Configuration, "net10.0", "TypedSse.TestApp.dll");
        Assert.True(File.Exists(assembly), $"The test app is not built: {assembly} is missing. Build tests/TypedSse.App.Tests first.");
        return StartAsync(DotNet.StartInfo(Path.GetDirectoryName(assembly)!, null, [assembly, .. CommonArguments, .. arguments]), output);
    }

    /// <summary>The managed app under a file descriptor limit of its own (<c>ulimit -n</c>), set by the shell that starts it.</summary>
    public static Task<AppProcess> StartManagedAsync(int descriptorLimit, ITestOutputHelper output, params string[] arguments)
    {
        var assembly = Path.Combine(DotNet.RepositoryRoot, "tests", "TypedSse.TestApp", "bin", DotNet.Configuration, "net10.0", "TypedSse.TestApp.dll");
        Assert.True(File.Exists(assembly), $"The test app is not built: {assembly} is missing. Build tests/TypedSse.App.Tests first.");
        var start = DotNet.StartInfo(Path.GetDirectoryName(assembly)!, null, [assembly, .. CommonArguments, .. arguments]);
        var dotnetArguments = start.ArgumentList.ToArray();
        start.FileName = "/bin/sh";
        start.ArgumentList.Clear();
        foreach (var argument in (string[])["-c", "ulimit -n \"$0\" && exec dotnet \"$@\"", descriptorLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), .. dotnetArguments])
        {
            start.ArgumentList.Add(argument);
        }
        return StartAsync(start, output);
    }

    /// <summary>A native executable, as published with PublishAot.</summary>
    public static Task<AppProcess> StartNativeAsync(string executable, ITestOutputHelper output, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetDirectoryName(executable)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[.. CommonArguments, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        return StartAsync(start, output);
    }

    /// <summary>Sends SIGTERM: the host stops, within its shutdown timeout, as under systemd, Docker or Kubernetes.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, SIGTERM) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Waits for the app to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var patience = new CancellationTokenSource(DotNet.Patience);
        await _process.WaitForExitAsync(patience.Token);
        _process.WaitForExit(); // until its output is drained
        return _process.ExitCode;
    }

    /// <summary>The "Stopped in … ms; shutdown timeout … ms" line the app prints when its host has stopped.</summary>
    public (long StoppedMs, long TimeoutMs) StopReport()
    {
        var match = Lines.Select(static line => StoppedLine().Match(line)).LastOrDefault(static m => m.Success);
        Assert.True(match is not null, $"The app did not report its stop:\n{string.Join('\n', Lines)}");
        return (long.Parse(match.Groups[1].Value), long.Parse(match.Groups[2].Value));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    // Warnings and errors only: with 10,000 requests, information logs would drown the output.
    private static readonly string[] CommonArguments = ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"];

    private const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [GeneratedRegex(@"^Listening on (http://\S+)$")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^Stopped in (\d+) ms; shutdown timeout (\d+) ms$")]
    private static partial Regex StoppedLine();

    private static async Task<AppProcess> StartAsync(ProcessStartInfo start, ITestOutputHelper output)
    {
        var app = new AppProcess(start, output);
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        try
        {
            var exited = app._process.WaitForExitAsync();
            var listening = await Task.WhenAny(app._listening.Task, exited).WaitAsync(DotNet.Patience);
            Assert.True(listening == app._listening.Task, $"The app exited with {(app._process.HasExited ? app._process.ExitCode : 0)} before it listened:\n{string.Join('\n', app.Lines)}");
            app.Url = await app._listening.Task;
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }

        try
        {
            _output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }
}
