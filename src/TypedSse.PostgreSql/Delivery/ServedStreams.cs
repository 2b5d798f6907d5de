using System.Threading.Channels;
using TypedSse.History;
using TypedSse.PostgreSql.Diagnostics;

namespace TypedSse.PostgreSql.Delivery;

/// <summary>
/// The streams this instance serves (those it has connections of), where the delivery of each stands, and which of
/// them were notified of new events since the <see cref="EventListener"/> last read them. A stream's first connection
/// adds it, unpositioned: the listener's next read positions it at the stream's newest id, and history reads of the
/// stream wait for that, so a connection never starts before where delivery starts. Its last connection removes it,
/// and with it the position: a stream served again starts from its newest id, not from a backlog.
/// </summary>
/// <remarks>
/// The listener may be delivering a batch of a stream while its last connection leaves and a new one arrives. The
/// runtime forgets the last id it delivered of a stream when the stream's first connection arrives (after
/// <see cref="StreamOpened"/>), but a batch of the previous reading that lands after that sets it again, and a
/// connection would start from that id. So the listener reports every batch (<see cref="Delivered"/>), and one
/// delivered after its stream was left and served again becomes where the new reading starts, instead of the newest id.
/// </remarks>
internal sealed class ServedStreams(PostgreSqlBackplaneMetrics metrics) : IStreamInterest
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServedStream> _served = new(StringComparer.Ordinal);
    private readonly HashSet<string> _notified = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private bool _readAll;

    /// <summary>Written to when there is something to read: a stream to position, a notified one, or all of them.</summary>
    public ChannelReader<bool> Wakes => _wake.Reader;

    /// <summary>The streams this instance reads, for tests.</summary>
    internal string[] Names
    {
        get
        {
            lock (_gate)
            {
                return [.. _served.Keys];
            }
        }
    }

    public void StreamOpened(string stream)
    {
        lock (_gate)
        {
            _served[stream] = new ServedStream(stream);
        }
        metrics.StreamServed();
        _wake.Writer.TryWrite(true);
    }

    public void StreamClosed(string stream)
    {
        ServedStream? left;
        lock (_gate)
        {
            _served.Remove(stream, out left);
            _notified.Remove(stream);
        }
        if (left is not null)
        {
            // Nobody of this stream is left to deliver to; a history read still waiting needs no position.
            left.Positioned.TrySetResult();
            metrics.StreamLeft();
        }
    }

    /// <summary>A new event of <paramref name="stream"/> was committed: read it if this instance serves the stream.</summary>
    /// <returns>False if the stream is not served here, and nothing is read.</returns>
    public bool Notify(string stream)
    {
        lock (_gate)
        {
            if (!_served.ContainsKey(stream))
            {
                return false;
            }
            _notified.Add(stream);
        }
        _wake.Writer.TryWrite(true);
        return true;
    }

    /// <summary>Reads every served stream next: after a reconnect, a failed read, or a notification that names no stream.</summary>
    public void NotifyAll()
    {
        lock (_gate)
        {
            _readAll = true;
        }
        _wake.Writer.TryWrite(true);
    }

    /// <summary>
    /// Waits until this instance, if it serves <paramref name="stream"/>, knows where its delivery starts: a history
    /// read made after that covers everything up to where delivery continues.
    /// </summary>
    public Task WaitUntilPositionedAsync(string stream, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _served.TryGetValue(stream, out var served) ? served.Positioned.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
        }
    }

    /// <summary>The streams to read now (the unpositioned, and the notified or all), forgetting the notifications.</summary>
    public List<ServedStream> TakeWork()
    {
        lock (_gate)
        {
            var work = new List<ServedStream>();
            foreach (var served in _served.Values)
            {
                if (_readAll || !served.IsPositioned || _notified.Contains(served.Name))
                {
                    work.Add(served);
                }
            }
            _readAll = false;
            _notified.Clear();
            return work;
        }
    }

    /// <summary>Sets where the delivery of <paramref name="served"/> starts, and lets the history reads waiting for it go.</summary>
    public void Position(ServedStream served, long cursor)
    {
        lock (_gate)
        {
            served.Cursor = cursor;
            served.IsPositioned = true;
        }
        served.Positioned.TrySetResult();
    }

    /// <summary>A read to position <paramref name="served"/> failed: the history reads waiting for it fail too, and later ones wait for the retry.</summary>
    public void PositionFailed(ServedStream served, Exception exception)
    {
        TaskCompletionSource failed;
        lock (_gate)
        {
            if (served.IsPositioned)
            {
                return;
            }
            failed = served.Positioned;
            served.Positioned = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        failed.TrySetException(exception);
    }

    /// <summary>
    /// The listener handed events of <paramref name="served"/> to the runtime, up to its <see cref="ServedStream.Cursor"/>.
    /// If the stream was left meanwhile and is served again, its new position starts there (see remarks).
    /// </summary>
    public void Delivered(ServedStream served)
    {
        lock (_gate)
        {
            if (_served.TryGetValue(served.Name, out var current) && !ReferenceEquals(current, served))
            {
                current.ResumeAt = served.Cursor;
            }
        }
    }

    /// <summary>Whether <paramref name="served"/> is still how this instance serves its stream (false once the stream was left).</summary>
    public bool IsCurrent(ServedStream served)
    {
        lock (_gate)
        {
            return _served.TryGetValue(served.Name, out var current) && ReferenceEquals(current, served);
        }
    }

    /// <summary>There are more events of <paramref name="served"/> than one read takes: read it again next.</summary>
    public void ReadAgain(ServedStream served)
    {
        lock (_gate)
        {
            if (_served.TryGetValue(served.Name, out var current) && ReferenceEquals(current, served))
            {
                _notified.Add(served.Name);
            }
        }
    }

    /// <summary>One served stream, from its first connection to its last.</summary>
    internal sealed class ServedStream(string name)
    {
        public string Name => name;

        /// <summary>
        /// The newest id delivered, or 0 if the stream had no event when it was positioned (so all of it is new).
        /// Only the listener's delivery loop changes it.
        /// </summary>
        public long Cursor { get; set; }

        public bool IsPositioned { get; set; }

        /// <summary>Where to position instead of the newest id: the last batch of the stream's previous reading, delivered after it was left.</summary>
        public long? ResumeAt { get; set; }

        public TaskCompletionSource Positioned { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
