using System.Data;
using Npgsql;
using NpgsqlTypes;
using TypedSse.History;
using TypedSse.PostgreSql.Delivery;
using TypedSse.PostgreSql.Schema;

namespace TypedSse.PostgreSql.Events;

/// <summary>
/// The history and the publishing side of the backplane: events are appended to the events table and announced with
/// NOTIFY. Delivery, to this instance's connections as to every other's, is the <see cref="Delivery.EventListener"/>'s
/// job.
/// </summary>
internal sealed class PostgreSqlEventLog(EventLogDatabase database, ServedStreams served, TimeProvider time) : IEventBackplane, IEventHistory
{
    /// <summary>PostgreSQL's limit on a notification's payload.</summary>
    private const int MaxNotificationBytes = 8000;

    private readonly EventLogSql _sql = database.Sql;

    public async ValueTask<long> PublishAsync(EventDraft draft, CancellationToken cancellationToken)
    {
        if (draft.Audience.Predicate is not null)
        {
            throw new NotSupportedException(
                $"Stream '{draft.Stream}': an EventAudience.Where predicate cannot cross app instances, so the PostgreSQL backplane cannot publish it. " +
                "Target a topic (EventAudience.ForTopic) or a user (EventAudience.ForUser) instead.");
        }
        await EnsureSchemaAsync(draft.Stream, cancellationToken).ConfigureAwait(false);

        for (int attempt = 1; ; attempt++)
        {
            bool committing = false;
            try
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

                // Identity values are handed out before commit, so without care event 7 of a stream could commit
                // before event 6, and a reader that saw 7 (a replay's LatestEventId, a listener's cursor) would skip 6
                // for good. The per-stream advisory lock is taken before the id is drawn and held until commit, and a
                // committed transaction is visible before its locks are released: within a stream, ids are drawn and
                // become visible in the same order, so "everything up to the newest id I can see" is always complete.
                // Different streams don't wait for each other (a hash collision only costs a little concurrency).
                using var batch = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand(_sql.LockStream) { Parameters = { Text(_sql.StreamLockKey), Text(draft.Stream) } },
                        new NpgsqlBatchCommand(_sql.InsertEvent)
                        {
                            Parameters =
                            {
                                Text(draft.Stream),
                                Text(draft.EventName),
                                Text(draft.Audience.Topic),
                                Text(draft.Audience.UserId),
                                Text(draft.Audience.ConnectionId),
                                new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = draft.Data },
                                Text(_sql.Channel),
                                // Stamped with the app's clock, the one HistoryPruner ages events by.
                                new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = time.GetUtcNow() },
                            },
                        },
                    },
                };
                long id;
                await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    id = reader.GetInt64(0);
                }

                committing = true;
                // Not cancelable: a commit cut short would leave the caller unsure whether the event was published.
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return id;
            }
            catch (NpgsqlException ex) when (!committing && attempt == 1 && EventRows.IsConnectionFailure(ex) && !cancellationToken.IsCancellationRequested)
            {
                // After a database restart, idle pooled connections are dead and fail on first use. Nothing was
                // committed, so retry once on a fresh connection.
                database.DataSource.Clear();
            }
            catch (NpgsqlException ex)
            {
                throw new PostgreSqlBackplaneException(committing
                    ? $"Stream '{draft.Stream}': the database connection failed while committing an event, so it may or may not have been published (a retry may publish it twice). {ex.Message}"
                    : $"Stream '{draft.Stream}': the event was not published because the PostgreSQL backplane could not write it to the database. {ex.Message}",
                    ex);
            }
        }
    }

    /// <summary>Announces a sign-out on the close channel; every instance's listener closes the user's connections.</summary>
    public async ValueTask CloseUserAsync(string userId, string reason, CancellationToken cancellationToken)
    {
        string payload = CloseUserNotice.Format(userId, reason);
        if (System.Text.Encoding.UTF8.GetByteCount(payload) >= MaxNotificationBytes)
        {
            throw new PostgreSqlBackplaneException(
                $"The user id and reason of a CloseUserAsync take over {MaxNotificationBytes} bytes, more than a PostgreSQL notification carries; use a shorter user id.");
        }
        try
        {
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(_sql.NotifyCloseUser, connection) { Parameters = { Text(_sql.CloseUserChannel), Text(payload) } };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new PostgreSqlBackplaneException(
                $"The streams of user \"{userId}\" were closed on this instance, but the PostgreSQL backplane could not tell the other instances. {ex.Message}", ex);
        }
    }

    public async ValueTask<HistoryRead> ReadAfterAsync(string stream, long lastEventId, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(stream, cancellationToken).ConfigureAwait(false);
        // A connection's start (the newest id read here) is then never before where this instance's delivery starts.
        await served.WaitUntilPositionedAsync(stream, cancellationToken).ConfigureAwait(false);
        var read = await ReadBatchAsync(stream, lastEventId, cancellationToken).ConfigureAwait(false);
        var events = read.Events;
        bool more = read.Status == HistoryReadStatus.Complete && events.Count == database.Options.ReadBatchSize && events[^1].Id < read.LatestEventId;
        return more ? read with { More = ReadRestAsync(stream, events[^1].Id, read.LatestEventId, CancellationToken.None) } : read;
    }

    /// <summary>The batches of a long replay after its first, up to the newest id at its first read.</summary>
    private async IAsyncEnumerable<StreamEvent> ReadRestAsync(string stream, long after, long through,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (after < through)
        {
            var read = await ReadBatchAsync(stream, after, cancellationToken).ConfigureAwait(false);
            if (read.Status != HistoryReadStatus.Complete)
            {
                throw new PostgreSqlBackplaneException(
                    $"Stream '{stream}': the events after {after} were pruned while they were being replayed; the client reconnects and resyncs.");
            }
            foreach (var streamEvent in read.Events)
            {
                if (streamEvent.Id > through)
                {
                    yield break;
                }
                yield return streamEvent;
                after = streamEvent.Id;
            }
            if (read.Events.Count < database.Options.ReadBatchSize)
            {
                yield break;
            }
        }
    }

    private async Task<HistoryRead> ReadBatchAsync(string stream, long lastEventId, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await ReadBatchOnceAsync(stream, lastEventId, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (attempt == 1 && EventRows.IsConnectionFailure(ex) && !cancellationToken.IsCancellationRequested)
            {
                // As for a publish: a pooled connection may have died with a restarted server. Reads are safe to repeat.
                database.DataSource.Clear();
            }
            catch (NpgsqlException ex)
            {
                throw new PostgreSqlBackplaneException($"Stream '{stream}': could not read the history from the database. {ex.Message}", ex);
            }
        }
    }

    /// <summary>Where the stream stands and, if the id is complete, up to <see cref="PostgreSqlBackplaneOptions.ReadBatchSize"/> events after it.</summary>
    private async Task<HistoryRead> ReadBatchOnceAsync(string stream, long lastEventId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for the stream's bounds and its events, so they agree.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        HistoryReadStatus status;
        long latest;
        await using (var command = new NpgsqlCommand(_sql.ReadStream, connection) { Parameters = { Text(stream), Int64(lastEventId) } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Nothing was ever published: only 0, the id a reset of an empty stream hands out, is known.
                return new HistoryRead(lastEventId == 0 ? HistoryReadStatus.Complete : HistoryReadStatus.UnknownId, [], 0);
            }
            long firstId = reader.GetInt64(0);
            latest = reader.GetInt64(1);
            long prunedThrough = reader.GetInt64(2);
            bool exists = reader.GetBoolean(3);
            status = StatusOf(lastEventId, firstId, latest, prunedThrough, exists);
        }
        if (status != HistoryReadStatus.Complete || lastEventId == latest)
        {
            return new HistoryRead(status, [], latest);
        }

        var events = new List<StreamEvent>();
        await using (var command = new NpgsqlCommand(_sql.ReadEventsAfterLimited, connection)
        {
            Parameters = { Text(stream), Int64(lastEventId), new NpgsqlParameter<int> { TypedValue = database.Options.ReadBatchSize } },
        })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(EventRows.Read(reader, stream));
            }
        }
        return new HistoryRead(HistoryReadStatus.Complete, events, latest);
    }

    /// <summary>
    /// The same rules as the in-memory history: ids run from the one before the stream's first event to its newest,
    /// and those at or below the newest pruned id (other than that id itself) have a gap after them. Ids are shared by
    /// all streams, so an id inside the range may also belong to another stream, and is then unknown here.
    /// </summary>
    internal static HistoryReadStatus StatusOf(long lastEventId, long firstId, long latest, long prunedThrough, bool exists)
    {
        if (lastEventId > latest || lastEventId < firstId - 1)
        {
            return HistoryReadStatus.UnknownId;
        }
        if (lastEventId < prunedThrough)
        {
            return HistoryReadStatus.Gap;
        }
        return lastEventId == prunedThrough || exists ? HistoryReadStatus.Complete : HistoryReadStatus.UnknownId;
    }

    private async ValueTask EnsureSchemaAsync(string stream, CancellationToken cancellationToken)
    {
        try
        {
            await database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new PostgreSqlBackplaneException($"Stream '{stream}': the event log's schema \"{_sql.Schema}\" could not be created or checked. {ex.Message}", ex);
        }
    }

    internal static NpgsqlParameter Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    internal static NpgsqlParameter<long> Int64(long value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = value };
}
