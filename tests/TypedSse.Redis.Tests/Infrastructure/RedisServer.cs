using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TypedSse.Redis.Tests.Infrastructure;

/// <summary>
/// A real redis-server for the test collection, on 127.0.0.1 and a free port, its data (with AOF persistence, fsync on
/// every write) in a temporary folder, stopped and deleted at the end. Needs Debian's <c>redis-server</c>
/// (eng/install-prerequisites.sh installs it); set TYPEDSSE_REDIS_SERVER to use another binary.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private string _directory = "";
    private int _port;
    private Process? _process;

    public string Configuration => $"127.0.0.1:{_port},connectTimeout=2000,syncTimeout=5000,asyncTimeout=5000";

    public async Task InitializeAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"typedsse-redis-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        _port = FreePort();
        await StartAsync();
    }

    public async Task StartAsync()
    {
        string binary = Environment.GetEnvironmentVariable("TYPEDSSE_REDIS_SERVER") is { Length: > 0 } configured ? configured : "redis-server";
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in (string[])["--port", $"{_port}", "--bind", "127.0.0.1", "--dir", _directory, "--appendonly", "yes",
            "--appendfsync", "always", "--save", "", "--daemonize", "no", "--protected-mode", "no", "--logfile", Path.Combine(_directory, "server.log")])
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"redis-server was not found ({ex.Message}). Install it (Debian: apt-get install -y redis-server, or run eng/install-prerequisites.sh) or set TYPEDSSE_REDIS_SERVER to its path.", ex);
        }
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await AcceptsAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                string log = Path.Combine(_directory, "server.log");
                throw new InvalidOperationException($"redis-server did not start on port {_port}:\n" + (File.Exists(log) ? await File.ReadAllTextAsync(log) : ""));
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Stops the server as an operator would (SIGTERM: it flushes its AOF and exits).</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", $"{_process.Id}"]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _process = null;
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
        if (_directory.Length > 0 && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, _port);
            await using var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "Redis";
}
