using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TypedSse.PostgreSql.Diagnostics;

namespace TypedSse.PostgreSql.Schema;

/// <summary>The event log's database: its connections, its statements, and the schema, created once per process.</summary>
internal sealed class EventLogDatabase : IAsyncDisposable
{
    public const int SchemaVersion = 1;

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Task? _schemaReady;

    public EventLogDatabase(IOptions<PostgreSqlBackplaneOptions> options, TimeProvider time, ILogger<EventLogDatabase> logger)
    {
        Options = options.Value;
        _time = time;
        _logger = logger;
        Sql = new EventLogSql(Options.SchemaName);
        DataSource = new NpgsqlSlimDataSourceBuilder(Options.ConnectionString).Build();

        // The listening connection lives as long as the app. Keepalives make a connection that died silently (a
        // dropped network path, no reset) fail instead of waiting for notifications forever.
        var listen = new NpgsqlConnectionStringBuilder(Options.ConnectionString) { Pooling = false };
        if (listen.KeepAlive == 0)
        {
            listen.KeepAlive = 15;
        }
        ListenDataSource = new NpgsqlSlimDataSourceBuilder(listen.ConnectionString).Build();
    }

    public PostgreSqlBackplaneOptions Options { get; }

    public EventLogSql Sql { get; }

    public NpgsqlDataSource DataSource { get; }

    public NpgsqlDataSource ListenDataSource { get; }

    /// <summary>Creates or migrates the schema, once per process; a failed attempt is retried by the next call.</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            if (_schemaReady is null || _schemaReady.IsFaulted || _schemaReady.IsCanceled)
            {
                _schemaReady = MigrateAsync();
            }
            task = _schemaReady;
        }
        return task.IsCompletedSuccessfully ? Task.CompletedTask : task.WaitAsync(cancellationToken);
    }

    private async Task MigrateAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);

        // Instances that start together all get here; the lock (released at commit) lets one migrate while the
        // others wait and then find the schema current. CREATE ... IF NOT EXISTS alone races between sessions.
        await ExecuteAsync(connection, Sql.LockSchema, Sql.SchemaLockKey).ConfigureAwait(false);
        // DDL only when there is something to create: CREATE ... IF NOT EXISTS checks the CREATE privilege even when
        // the object exists, and an app may run as a user that can only read and write the existing tables.
        int version = 0;
        if ((bool)(await ScalarAsync(connection, Sql.VersionTableExists).ConfigureAwait(false))!)
        {
            version = (int)(await ScalarAsync(connection, Sql.ReadVersion).ConfigureAwait(false))!;
        }

        if (version < 1)
        {
            await ExecuteAsync(connection, Sql.CreateVersionTable).ConfigureAwait(false);
            long firstId = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            await ExecuteAsync(connection, Sql.CreateTables(firstId)).ConfigureAwait(false);
            await ExecuteAsync(connection, Sql.RecordVersion, 1).ConfigureAwait(false);
        }
        await transaction.CommitAsync().ConfigureAwait(false);

        if (version < SchemaVersion)
        {
            Log.SchemaMigrated(_logger, Sql.Schema, version, SchemaVersion);
        }
        else if (version > SchemaVersion)
        {
            Log.SchemaNewer(_logger, Sql.Schema, version, SchemaVersion);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync().ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        await ListenDataSource.DisposeAsync().ConfigureAwait(false);
    }
}
