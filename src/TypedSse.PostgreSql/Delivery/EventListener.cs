using System.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using TypedSse.History;
using TypedSse.PostgreSql.Diagnostics;
using TypedSse.PostgreSql.Events;
using TypedSse.PostgreSql.Schema;

namespace TypedSse.PostgreSql.Delivery;

/// <summary>
/// Delivers the new events of the streams this instance serves (see <see cref="ServedStreams"/>) to its connections,
/// in id order per stream. It LISTENs for the notifications that publishes send (from any instance, this one
/// included), each naming its stream, and reads the rows after the last id it delivered of the notified streams that
/// it serves; a notification of a stream it does not serve costs no read. After a lost connection it LISTENs again
/// and reads every served stream, which catches up on everything committed meanwhile.
/// </summary>
/// <remarks>
/// Notifications carry no event, only a wake-up: the rows are read from the table, so NOTIFY's payload limit never
/// truncates an event and a missed notification costs nothing once the next read runs. Reading "after the last id
/// delivered" is sound because ids commit in order within a stream (see <see cref="PostgreSqlEventLog.PublishAsync"/>).
/// </remarks>
internal sealed class EventListener(
    EventLogDatabase database,
    ServedStreams served,
    IEventSink sink,
    EventStreams streams,
    PostgreSqlBackplaneMetrics metrics,
    TimeProvider time,
    ILogger<EventListener> logger) : BackgroundService
{
    private readonly TimeSpan _retryDelay = database.Options.ReconnectDelay;
    private NpgsqlConnection? _listening;
    private int _catchUpPending;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

            // LISTEN before any stream is positioned: whatever commits after a position is read is then notified.
            _listening = await ListenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            if (_listening is not null)
            {
                await _listening.DisposeAsync().ConfigureAwait(false);
            }
            throw new PostgreSqlBackplaneException(
                $"The PostgreSQL backplane could not start: it needs its database to create the schema \"{database.Sql.Schema}\" and listen for events. {ex.Message}", ex);
        }
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenLoopAsync(_listening!, stoppingToken), DeliveryLoopAsync(stoppingToken));

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var connection = await database.ListenDataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Notification += OnNotification;
            await using var listen = new NpgsqlCommand(database.Sql.Listen, connection);
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == database.Sql.CloseUserChannel)
        {
            if (CloseUserNotice.TryParse(e.Payload, out string userId, out string reason))
            {
                int closed = sink.CloseUser(userId, reason);
                Log.UserClosed(logger, userId, closed, reason);
            }
            else
            {
                Log.UnreadableCloseUserNotice(logger, e.Payload.Length);
            }
            return;
        }
        metrics.NotificationReceived();
        if (NewEventNotice.TryParse(e.Payload, out string stream))
        {
            served.Notify(stream);
        }
        else
        {
            // From an instance of an earlier version (its payload is the id), or of a stream name too long to send.
            served.NotifyAll();
        }
    }

    private async Task ListenLoopAsync(NpgsqlConnection? connection, CancellationToken stoppingToken)
    {
        try
        {
            while (connection is not null)
            {
                try
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    Log.ListenerLost(logger, ex, _retryDelay);
                    await DisposeQuietlyAsync(connection).ConfigureAwait(false);
                    connection = await ReconnectAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null)
            {
                await DisposeQuietlyAsync(connection).ConfigureAwait(false);
            }
        }
    }

    private static async ValueTask DisposeQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or ObjectDisposedException)
        {
            // It is broken already; there is nothing left to close cleanly.
        }
    }

    private async Task<NpgsqlConnection> ReconnectAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            await Task.Delay(_retryDelay, time, stoppingToken).ConfigureAwait(false);
            try
            {
                var connection = await ListenAsync(stoppingToken).ConfigureAwait(false);
                // The pool's idle connections most likely died with the old server process; drop them so that
                // publishes and reads open fresh ones instead of failing on them.
                database.DataSource.Clear();
                metrics.Reconnected();
                Log.ListenerReconnected(logger);
                Volatile.Write(ref _catchUpPending, 1);
                served.NotifyAll();
                return connection;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.ReconnectFailed(logger, ex);
            }
        }
    }

    private async Task DeliveryLoopAsync(CancellationToken stoppingToken)
    {
        var wake = served.Wakes;
        try
        {
            while (await wake.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                wake.TryRead(out _);
                bool catchUp = Interlocked.Exchange(ref _catchUpPending, 0) == 1;
                try
                {
                    while (await DeliverNewEventsAsync(catchUp, stoppingToken).ConfigureAwait(false))
                    {
                        catchUp = false;
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    Log.ReadFailed(logger, ex, _retryDelay);
                    if (catchUp)
                    {
                        Volatile.Write(ref _catchUpPending, 1);
                    }
                    await Task.Delay(_retryDelay, time, stoppingToken).ConfigureAwait(false);
                    served.NotifyAll();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Positions the newly served streams and reads and delivers the events after the last delivered id of the notified
    /// ones; true if there are more to read.
    /// </summary>
    private async Task<bool> DeliverNewEventsAsync(bool catchUp, CancellationToken cancellationToken)
    {
        var work = served.TakeWork();
        if (work.Count == 0)
        {
            return false;
        }
        try
        {
            return await DeliverNewEventsAsync(work, catchUp, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var stream in work.Where(s => !s.IsPositioned))
            {
                served.PositionFailed(stream, new PostgreSqlBackplaneException(
                    $"Stream '{stream.Name}': could not read where the stream stands from the database, so the connection cannot be told where it starts. {ex.Message}", ex));
            }
            throw;
        }
    }

    private async Task<bool> DeliverNewEventsAsync(List<ServedStreams.ServedStream> work, bool catchUp, CancellationToken cancellationToken)
    {
        metrics.Read();
        if (catchUp)
        {
            metrics.CatchUpRead();
        }
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for where the streams stand and for their rows.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        var bounds = new Dictionary<string, (long FirstId, long LastId, long PrunedThrough)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(database.Sql.ReadStreams, connection)
        {
            Parameters = { new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. work.Select(s => s.Name)] } },
        })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                bounds[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }
        }

        var pending = new List<(ServedStreams.ServedStream Stream, long After)>();
        var gaps = new List<(ServedStreams.ServedStream Stream, long Delivered, long PrunedThrough)>();
        foreach (var stream in work)
        {
            bool known = bounds.TryGetValue(stream.Name, out var bound);
            if (!stream.IsPositioned)
            {
                // From the newest id, or from the start of a stream with no event yet (cursor 0: all of it is new).
                served.Position(stream, stream.ResumeAt ?? (known ? bound.LastId : 0));
            }
            if (!known)
            {
                continue;
            }
            long delivered = stream.Cursor == 0 ? bound.FirstId - 1 : stream.Cursor;
            if (bound.PrunedThrough > delivered)
            {
                gaps.Add((stream, delivered, bound.PrunedThrough));
                delivered = bound.PrunedThrough;
            }
            if (bound.LastId > delivered)
            {
                pending.Add((stream, delivered));
            }
        }

        bool more = false;
        var batches = new List<(ServedStreams.ServedStream Stream, List<StreamEvent> Events, long LastId)>();
        if (pending.Count > 0)
        {
            int limit = database.Options.ReadBatchSize;
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (stream, after) in pending)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(database.Sql.ReadEventsAfterLimited)
                {
                    Parameters = { PostgreSqlEventLog.Text(stream.Name), PostgreSqlEventLog.Int64(after), new NpgsqlParameter<int> { TypedValue = limit } },
                });
            }
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (stream, _) in pending)
            {
                var events = new List<StreamEvent>();
                int rows = 0;
                long lastId = 0;
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows++;
                    lastId = reader.GetInt64(0);
                    try
                    {
                        events.Add(EventRows.Read(reader, stream.Name));
                    }
                    catch (ArgumentException ex)
                    {
                        Log.UnreadableEvent(logger, ex, stream.Name, lastId);
                    }
                }
                if (rows == limit)
                {
                    more = true;
                    served.ReadAgain(stream);
                }
                if (rows > 0)
                {
                    batches.Add((stream, events, lastId));
                }
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var (stream, delivered, prunedThrough) in gaps)
        {
            if (served.IsCurrent(stream))
            {
                var connections = streams[stream.Name].Connections;
                Log.DeliveryGap(logger, stream.Name, delivered, prunedThrough, connections.Count);
                foreach (var gapConnection in connections)
                {
                    gapConnection.Close();
                }
            }
            stream.Cursor = prunedThrough;
        }
        var now = time.GetUtcNow();
        foreach (var (stream, events, lastId) in batches)
        {
            if (!served.IsCurrent(stream))
            {
                // Left while it was read: nobody of this reading is left to deliver to.
                continue;
            }
            foreach (var streamEvent in events)
            {
                sink.Deliver(streamEvent);
                metrics.Delivered(stream.Name, (now - streamEvent.Timestamp).TotalSeconds);
            }
            stream.Cursor = lastId;
            if (events.Count > 0)
            {
                served.Delivered(stream);
            }
        }
        return more;
    }
}
