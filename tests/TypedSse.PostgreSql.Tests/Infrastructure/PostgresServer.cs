using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace TypedSse.PostgreSql.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the test collection: initdb into a temporary folder, pg_ctl on 127.0.0.1 and a free
/// port, stopped and deleted at the end. Needs the server binaries (Debian: <c>apt-get install -y postgresql</c>);
/// set TYPEDSSE_PG_BIN to use another bin folder. As root, the server runs as the <c>postgres</c> OS user, because
/// initdb refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private string _bin = "";
    private string _dataDirectory = "";
    private string? _runAs;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _bin = FindBinDirectory();
        _runAs = Environment.IsPrivilegedProcess ? "postgres" : null;
        // initdb creates the folder itself, so it belongs to the user the server runs as.
        _dataDirectory = Path.Combine(Path.GetTempPath(), $"typedsse-pg-{Guid.NewGuid():N}");
        await RunAsync("initdb", "-D", _dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");

        int port = FreePort();
        // Durability settings are off: this server lives for one test run, and speed keeps the run short.
        await File.AppendAllTextAsync(Path.Combine(_dataDirectory, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = ''
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            max_connections = 200
            """);
        await StartAsync();
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            Timeout = 5,
        }.ConnectionString;
    }

    public Task StartAsync() => RunAsync("pg_ctl", "start", "-D", _dataDirectory, "-w", "-t", "60", "-l", Path.Combine(_dataDirectory, "server.log"));

    public Task StopAsync() => RunAsync("pg_ctl", "stop", "-D", _dataDirectory, "-w", "-t", "60", "-m", "fast");

    public async Task DisposeAsync()
    {
        if (_dataDirectory.Length == 0 || !Directory.Exists(_dataDirectory))
        {
            return;
        }
        try
        {
            await RunAsync("pg_ctl", "stop", "-D", _dataDirectory, "-w", "-t", "60", "-m", "immediate");
        }
        catch (InvalidOperationException)
        {
            // Not running (a test stopped it); deleting the folder is all that is left.
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("TYPEDSSE_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }
        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out int v) ? v : 0)
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. " +
            "Install them (Debian: apt-get install -y postgresql) or set TYPEDSSE_PG_BIN to their folder.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (_runAs is not null)
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", _runAs, "--", Path.Combine(_bin, tool)])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = Path.Combine(_bin, tool);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            string log = Path.Combine(_dataDirectory, "server.log");
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}" +
                (File.Exists(log) ? $"\nserver.log:\n{await File.ReadAllTextAsync(log)}" : ""));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
