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
        // Arrays: the listener reads the bounds of the streams it serves with "name = ANY($1)".
        DataSource = new NpgsqlSlimDataSourceBuilder(Options.ConnectionString).EnableArrays().Build();

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
        // others wait and then find the schema current, instead of all of them finding it missing and creating it.
        await ExecuteAsync(connection, Sql.LockSchema, Sql.SchemaLockKey).ConfigureAwait(false);
        // Look before creating anything: CREATE ... IF NOT EXISTS checks the CREATE privilege even when the object
        // exists, and an app may run as a user that can only use a schema someone else created.
        bool versioned = (bool)(await ScalarAsync(connection, Sql.VersionTableExists).ConfigureAwait(false))!;
        int version = versioned ? (int)(await ScalarAsync(connection, Sql.ReadVersion).ConfigureAwait(false))! : 0;

        if (!versioned)
        {
            if (!(bool)(await ScalarAsync(connection, Sql.SchemaExists, Sql.Schema).ConfigureAwait(false))!)
            {
                await ExecuteAsync(connection, Sql.CreateSchema).ConfigureAwait(false);
            }
            await ExecuteAsync(connection, Sql.CreateVersionTable).ConfigureAwait(false);
        }
        if (version < 1)
        {
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

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
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
