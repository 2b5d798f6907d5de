using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedSse.History;
using TypedSse.Redis.Diagnostics;
using TypedSse.Redis.Events;

namespace TypedSse.Redis.Delivery;

/// <summary>
/// Reads, for each stream this instance has connections of, the events published after the last one it delivered,
/// and hands them to its connections in id order. A stream's reader starts with its first connection and stops with
/// its last; while it runs it is subscribed to the stream's channel, which every publish notifies.
/// </summary>
/// <remarks>
/// A notification only wakes the reader: the events are read from the Redis stream after the reader's cursor, so a
/// missed notification (Redis restarting, say) costs nothing once the next read runs. After the connection to Redis
/// comes back every reader reads again at once and once more a <see cref="RedisBackplaneOptions.ReconnectDelay"/>
/// later, when its subscription is surely restored. A reader forgets its cursor when it stops, and the next one of its
/// stream starts from the stream's newest id, as the runtime's connections of the stream then do: a stream served
/// again reads no backlog and, however much was trimmed meanwhile, has no gap to close its connections for. Only if
/// a reader delivered a batch after it was stopped and its stream was served again (the runtime then takes that
/// batch's last id for where connections start) does the next reader resume from its cursor.
/// </remarks>
internal sealed class StreamReaders(
    RedisConnection connection,
    RedisStreamReads reads,
    IServiceProvider services,
    RedisBackplaneMetrics metrics,
    TimeProvider time,
    ILogger<StreamReaders> logger) : IStreamInterest, IHostedService
{
    private readonly RedisConnection _connection = connection;
    private readonly RedisStreamReads _reads = reads;
    private readonly RedisBackplaneMetrics _metrics = metrics;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StreamReader> _readers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    // Resolved on first use: the runtime's sink and streams depend on this (through IStreamInterest and the backplane).
    private IEventSink? _sink;
    private EventStreams? _streams;

    private IEventSink Sink => _sink ??= services.GetRequiredService<IEventSink>();

    private EventStreams Streams => _streams ??= services.GetRequiredService<EventStreams>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IConnectionMultiplexer redis;
        try
        {
            redis = await _connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            throw new RedisBackplaneException($"The Redis backplane could not start: it needs Redis to deliver and replay events. {ex.Message}", ex);
        }
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_gate)
        {
            loops = [.. _readers.Values.Select(r => r.Loop)];
        }
        await Task.WhenAll(loops).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_connection.GetAsync().IsCompletedSuccessfully)
        {
            var redis = _connection.GetAsync().Result;
            redis.ConnectionFailed -= OnConnectionFailed;
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    public void StreamOpened(string stream)
    {
        lock (_gate)
        {
            if (!_readers.TryGetValue(stream, out var reader))
            {
                reader = new StreamReader(this, stream);
                _readers.Add(stream, reader);
            }
            reader.Start();
            _metrics.ReaderStarted();
        }
    }

    public void StreamClosed(string stream)
    {
        lock (_gate)
        {
            if (_readers.TryGetValue(stream, out var reader) && reader.IsRunning)
            {
                reader.Stop();
                _metrics.ReaderStopped();
            }
        }
    }

    /// <summary>
    /// Waits until this instance's reader of <paramref name="stream"/>, if it runs, knows where it starts: a history
    /// read made after that covers everything up to where the reader delivers from.
    /// </summary>
    public Task WaitUntilPositionedAsync(string stream, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _readers.TryGetValue(stream, out var reader) && reader.IsRunning
                ? reader.Positioned.WaitAsync(cancellationToken)
                : Task.CompletedTask;
        }
    }

    /// <summary>The streams whose readers run, for tests and health checks.</summary>
    internal string[] ReadStreams
    {
        get
        {
            lock (_gate)
            {
                return [.. _readers.Values.Where(r => r.IsRunning).Select(r => r.Stream)];
            }
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        Log.ConnectionLost(_logger, e.Exception, e.ConnectionType, e.FailureType);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _metrics.Reconnected();
        Log.ConnectionRestored(_logger, e.ConnectionType);
        StreamReader[] running;
        lock (_gate)
        {
            running = [.. _readers.Values.Where(r => r.IsRunning)];
        }
        foreach (var reader in running)
        {
            reader.Wake();
        }
        _ = WakeLaterAsync(running);
    }

    private async Task WakeLaterAsync(StreamReader[] readers)
    {
        try
        {
            await Task.Delay(_connection.Options.ReconnectDelay, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        foreach (var reader in readers)
        {
            reader.Wake();
        }
    }

    private sealed class StreamReader(StreamReaders owner, string stream)
    {
        private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        private CancellationTokenSource? _stop;
        private TaskCompletionSource _positioned = new(TaskCreationOptions.RunContinuationsAsynchronously);
        // Only the running loop touches these; a new loop starts after the previous one ended.
        private long _cursor;
        private bool _hasCursor;
        private bool _resumeFromCursor;

        public string Stream => stream;

        public Task Loop { get; private set; } = Task.CompletedTask;

        public bool IsRunning => _stop is not null;

        public Task Positioned => _positioned.Task;

        /// <summary>Starts a loop; called under the owner's lock.</summary>
        public void Start()
        {
            if (_stop is not null)
            {
                return;
            }
            _stop = CancellationTokenSource.CreateLinkedTokenSource(owner._stopping.Token);
            // The new loop takes its own position, and history reads wait for it.
            if (_positioned.Task.IsCompleted)
            {
                _positioned = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            Loop = RunAsync(Loop, _stop.Token);
        }

        /// <summary>Stops the loop; called under the owner's lock.</summary>
        public void Stop()
        {
            _stop?.Cancel();
            _stop = null;
            // Nobody of the stream is left to deliver to; a history read still waiting needs no position.
            _positioned.TrySetResult();
        }

        public void Wake() => _wake.Writer.TryWrite(true);

        private async Task RunAsync(Task previous, CancellationToken stopping)
        {
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _hasCursor = _resumeFromCursor;
            _resumeFromCursor = false;
            var channel = owner._connection.Keys.Published(stream);
            Action<RedisChannel, RedisValue> notified = (_, _) =>
            {
                owner._metrics.NotificationReceived();
                Wake();
            };
            ISubscriber? subscriber = null;
            var retryDelay = owner._connection.Options.ReconnectDelay;
            try
            {
                // Subscribe first, then take the position: whatever is published after the position is notified.
                while (true)
                {
                    try
                    {
                        var redis = await owner._connection.GetAsync().WaitAsync(stopping).ConfigureAwait(false);
                        subscriber = redis.GetSubscriber();
                        await subscriber.SubscribeAsync(channel, notified).WaitAsync(stopping).ConfigureAwait(false);
                        if (!_hasCursor)
                        {
                            _cursor = await owner._reads.ReadLatestAsync(stream, stopping).ConfigureAwait(false);
                            _hasCursor = true;
                        }
                        _positioned.TrySetResult();
                        break;
                    }
                    catch (Exception ex) when (ex is RedisException or RedisBackplaneException && !stopping.IsCancellationRequested)
                    {
                        Log.ReadFailed(owner._logger, ex, stream, retryDelay);
                        owner._metrics.ReadFailed(stream);
                        lock (owner._gate)
                        {
                            var failed = _positioned;
                            _positioned = new(TaskCreationOptions.RunContinuationsAsynchronously);
                            failed.TrySetException(ex);
                        }
                        await Task.Delay(retryDelay, owner._time, stopping).ConfigureAwait(false);
                    }
                }

                Wake();
                while (await _wake.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
                {
                    _wake.Reader.TryRead(out _);
                    try
                    {
                        while (await DeliverBatchAsync(stopping).ConfigureAwait(false))
                        {
                        }
                    }
                    catch (RedisBackplaneException ex) when (!stopping.IsCancellationRequested)
                    {
                        Log.ReadFailed(owner._logger, ex, stream, retryDelay);
                        owner._metrics.ReadFailed(stream);
                        await Task.Delay(retryDelay, owner._time, stopping).ConfigureAwait(false);
                        Wake();
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            finally
            {
                if (subscriber is not null)
                {
                    try
                    {
                        await subscriber.UnsubscribeAsync(channel, notified).ConfigureAwait(false);
                    }
                    catch (RedisException)
                    {
                        // Redis is away; the subscription went with the _connection.
                    }
                }
            }
        }

        /// <summary>Reads and delivers the next batch after the cursor; true if there may be more.</summary>
        private async Task<bool> DeliverBatchAsync(CancellationToken cancellationToken)
        {
            int limit = owner._connection.Options.ReadBatchSize;
            var batch = await owner._reads.ReadBatchAsync(stream, _cursor, limit, cancellationToken).ConfigureAwait(false);
            if (batch is null)
            {
                return false;
            }
            if (_cursor == 0)
            {
                // The stream had no event when the reader took its position: all of it is new.
                _cursor = batch.FirstId - 1;
            }
            if (batch.PrunedThrough > _cursor)
            {
                var connections = owner.Streams[stream].Connections;
                Log.DeliveryGap(owner._logger, stream, _cursor, batch.PrunedThrough, connections.Count);
                foreach (var gapConnection in connections)
                {
                    gapConnection.Close();
                }
            }
            var now = owner._time.GetUtcNow();
            foreach (var streamEvent in batch.Events)
            {
                owner.Sink.Deliver(streamEvent);
                owner._metrics.Delivered(stream, (now - streamEvent.Timestamp).TotalSeconds);
                _cursor = streamEvent.Id;
            }
            if (batch.Events.Count > 0)
            {
                lock (owner._gate)
                {
                    // Delivered after this reader was stopped, and the stream is served again: see the remarks.
                    _resumeFromCursor |= cancellationToken.IsCancellationRequested && IsRunning;
                }
            }
            return batch.Events.Count == limit;
        }
    }
}
