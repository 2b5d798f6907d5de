using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using TypedSse.PostgreSql.Diagnostics;
using TypedSse.PostgreSql.Events;
using TypedSse.PostgreSql.Schema;

namespace TypedSse.PostgreSql.Retention;

/// <summary>
/// Deletes, every <see cref="PostgreSqlBackplaneOptions.PruneInterval"/>, the events that fall outside the history
/// (older than <see cref="PostgreSqlBackplaneOptions.HistoryMaxAge"/>, or beyond the newest
/// <see cref="PostgreSqlBackplaneOptions.HistorySize"/> of their stream). Every instance runs one; a try-lock lets
/// one of them work at a time.
/// </summary>
internal sealed class HistoryPruner(EventLogDatabase database, PostgreSqlBackplaneMetrics metrics, TimeProvider time, ILogger<HistoryPruner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = database.Options;
        if (options.HistorySize is null && options.HistoryMaxAge is null)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.PruneInterval, time);
        try
        {
            do
            {
                try
                {
                    long pruned = await PruneAsync(stoppingToken).ConfigureAwait(false);
                    if (pruned > 0)
                    {
                        metrics.Pruned(pruned);
                        Log.Pruned(logger, pruned);
                    }
                }
                catch (Exception ex) when (ex is NpgsqlException or PostgreSqlBackplaneException && !stoppingToken.IsCancellationRequested)
                {
                    Log.PruneFailed(logger, ex, options.PruneInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Prunes everything outside the history, in statements of at most
    /// <see cref="PostgreSqlBackplaneOptions.PruneBatchSize"/> events per stream, each in its own short transaction, so
    /// a backlog never holds locks or builds one huge delete. Returns how many events were deleted; 0 if another
    /// instance is pruning.
    /// </summary>
    internal async Task<long> PruneAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        long pruned;
        do
        {
            pruned = await PruneBatchAsync(cancellationToken).ConfigureAwait(false);
            total += pruned;
        }
        while (pruned > 0);
        return total;
    }

    /// <summary>Deletes at most <see cref="PostgreSqlBackplaneOptions.PruneBatchSize"/> events of each stream; 0 if another instance is pruning.</summary>
    internal async Task<long> PruneBatchAsync(CancellationToken cancellationToken)
    {
        await database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var tryLock = new NpgsqlCommand(database.Sql.TryLockPrune, connection) { Parameters = { PostgreSqlEventLog.Text(database.Sql.PruneLockKey) } })
        {
            if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return 0;
            }
        }

        var options = database.Options;
        await using var prune = new NpgsqlCommand(database.Sql.Prune, connection)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Interval, Value = options.HistoryMaxAge is { } age ? age : DBNull.Value },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = options.HistorySize is { } size ? size : DBNull.Value },
                // Age is measured on the app's clock, the one that stamped created_at (see PostgreSqlEventLog.PublishAsync).
                new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = time.GetUtcNow() },
                new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = options.PruneBatchSize },
            },
        };
        long count = (long)(await prune.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }
}
