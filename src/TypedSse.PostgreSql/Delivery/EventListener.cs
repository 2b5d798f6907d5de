using System.Data;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TypedSse.History;
using TypedSse.PostgreSql.Diagnostics;
using TypedSse.PostgreSql.Events;
using TypedSse.PostgreSql.Schema;

namespace TypedSse.PostgreSql.Delivery;

/// <summary>
/// Delivers every stream's new events to this instance's connections, in id order per stream. It LISTENs for the
/// notifications that publishes send (from any instance, this one included), and on each one reads, per stream, the
/// rows after the last id it delivered. After a lost connection it LISTENs again and does the same read, which
/// catches up on everything committed meanwhile.
/// </summary>
/// <remarks>
/// Notifications carry no event, only a wake-up: the rows are read from the table, so NOTIFY's payload limit never
/// truncates an event and a missed notification costs nothing once the next read runs. Reading "after the last id
/// delivered" is sound because ids commit in order within a stream (see <see cref="PostgreSqlEventLog.PublishAsync"/>).
/// </remarks>
internal sealed class EventListener(
    EventLogDatabase database,
    IEventSink sink,
    EventStreams streams,
    PostgreSqlBackplaneMetrics metrics,
    TimeProvider time,
    ILogger<EventListener> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    // The newest id delivered per stream; only the delivery loop touches it after start.
    private readonly Dictionary<string, long> _delivered = new(StringComparer.Ordinal);
    private readonly TimeSpan _retryDelay = database.Options.ReconnectDelay;
    private NpgsqlConnection? _listening;
    private int _catchUpPending;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

            // LISTEN before reading where every stream stands: whatever commits after the read is then notified.
            _listening = await ListenAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(database.Sql.ReadStreams, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _delivered[reader.GetString(0)] = reader.GetInt64(2);
            }
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
        _wake.Writer.TryWrite(true);
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
                _wake.Writer.TryWrite(true);
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
        var wake = _wake.Reader;
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
                    _wake.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads and delivers the events after the last delivered id of each stream; true if there are more.</summary>
    private async Task<bool> DeliverNewEventsAsync(bool catchUp, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for where the streams stand and for their rows.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        var pending = new List<(string Stream, long After)>();
        var gaps = new List<(string Stream, long Delivered, long PrunedThrough)>();
        await using (var command = new NpgsqlCommand(database.Sql.ReadStreams, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string stream = reader.GetString(0);
                long firstId = reader.GetInt64(1);
                long lastId = reader.GetInt64(2);
                long prunedThrough = reader.GetInt64(3);
                // A stream created after this instance started: deliver all of it.
                long delivered = _delivered.TryGetValue(stream, out long known) ? known : firstId - 1;
                if (prunedThrough > delivered)
                {
                    gaps.Add((stream, delivered, prunedThrough));
                    delivered = prunedThrough;
                }
                if (lastId > delivered)
                {
                    pending.Add((stream, delivered));
                }
            }
        }

        bool more = false;
        var batches = new List<(string Stream, List<StreamEvent> Events, long LastId)>();
        if (catchUp)
        {
            metrics.CatchUpRead();
        }
        if (pending.Count > 0)
        {
            int limit = database.Options.ReadBatchSize;
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (stream, after) in pending)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(database.Sql.ReadEventsAfterLimited)
                {
                    Parameters = { PostgreSqlEventLog.Text(stream), PostgreSqlEventLog.Int64(after), new NpgsqlParameter<int> { TypedValue = limit } },
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
                        events.Add(EventRows.Read(reader, stream));
                    }
                    catch (ArgumentException ex)
                    {
                        Log.UnreadableEvent(logger, ex, stream, lastId);
                    }
                }
                more |= rows == limit;
                if (rows > 0)
                {
                    batches.Add((stream, events, lastId));
                }
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var (stream, delivered, prunedThrough) in gaps)
        {
            var connections = streams[stream].Connections;
            Log.DeliveryGap(logger, stream, delivered, prunedThrough, connections.Count);
            foreach (var gapConnection in connections)
            {
                gapConnection.Close();
            }
            _delivered[stream] = prunedThrough;
        }
        var now = time.GetUtcNow();
        foreach (var (stream, events, lastId) in batches)
        {
            foreach (var streamEvent in events)
            {
                sink.Deliver(streamEvent);
                metrics.Delivered(stream, (now - streamEvent.Timestamp).TotalSeconds);
            }
            _delivered[stream] = lastId;
        }
        return more;
    }
}
