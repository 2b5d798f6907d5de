using System.Collections.Concurrent;

namespace TypedSse.History;

/// <summary>
/// The default history and backplane for a single instance: a bounded ring of recent events per stream, trimmed by
/// count and by age.
/// </summary>
/// <remarks>
/// A stream's ids start at the Unix time in microseconds when the stream is first used, so an id from an earlier
/// run of the process is recognised as unknown instead of being mistaken for a recent one.
/// </remarks>
internal sealed class InMemoryEventLog : IEventBackplane, IEventHistory
{
    private readonly ConcurrentDictionary<string, StreamLog> _streams = new(StringComparer.Ordinal);
    private readonly IEventSink _sink;
    private readonly int _historySize;
    private readonly TimeSpan? _historyMaxAge;
    private readonly TimeProvider _time;

    /// <param name="sink">Where each event is delivered once it is recorded.</param>
    /// <param name="historySize">How many recent events each stream keeps; 0 keeps none.</param>
    /// <param name="historyMaxAge">How long an event is kept, or null for no age limit.</param>
    /// <param name="time">The clock events are stamped and aged with.</param>
    public InMemoryEventLog(IEventSink sink, int historySize, TimeSpan? historyMaxAge, TimeProvider time)
    {
        _sink = sink;
        _historySize = historySize;
        _historyMaxAge = historyMaxAge;
        _time = time;
    }

    public ValueTask<long> PublishAsync(EventDraft draft, CancellationToken cancellationToken) =>
        new(GetLog(draft.Stream).Append(draft, _sink, _time.GetUtcNow()));

    public ValueTask<HistoryRead> ReadAfterAsync(string stream, long lastEventId, CancellationToken cancellationToken) =>
        new(GetLog(stream).ReadAfter(lastEventId, _time.GetUtcNow()));

    public ValueTask<long> ReadLatestEventIdAsync(string stream, CancellationToken cancellationToken) =>
        new(GetLog(stream).LatestId);

    private StreamLog GetLog(string stream) =>
        _streams.GetOrAdd(stream, static (_, self) => new StreamLog(self._historySize, self._historyMaxAge, self._time.GetUtcNow()), this);

    private sealed class StreamLog
    {
        private readonly Lock _gate = new();
        private readonly StreamEvent?[] _ring;
        private readonly TimeSpan? _maxAge;
        private readonly long _firstId;
        private int _head;
        private int _count;
        private long _lastId;
        private long _unavailableUpTo;

        public StreamLog(int size, TimeSpan? maxAge, DateTimeOffset now)
        {
            _ring = new StreamEvent?[size];
            _maxAge = maxAge;
            _firstId = now.ToUnixTimeMilliseconds() * 1000;
            _lastId = _firstId - 1;
            _unavailableUpTo = _lastId;
        }

        public long LatestId
        {
            get
            {
                lock (_gate)
                {
                    return _lastId;
                }
            }
        }

        public long Append(EventDraft draft, IEventSink sink, DateTimeOffset now)
        {
            lock (_gate)
            {
                var streamEvent = new StreamEvent(draft, _lastId + 1, now);
                _lastId = streamEvent.Id;
                if (_ring.Length == 0)
                {
                    _unavailableUpTo = _lastId;
                }
                else
                {
                    if (_count == _ring.Length)
                    {
                        RemoveOldest();
                    }
                    _ring[(_head + _count) % _ring.Length] = streamEvent;
                    _count++;
                    TrimByAge(now);
                }

                // Under the lock, so every connection sees the stream's events in id order.
                sink.Deliver(streamEvent);
                return streamEvent.Id;
            }
        }

        public HistoryRead ReadAfter(long lastEventId, DateTimeOffset now)
        {
            lock (_gate)
            {
                TrimByAge(now);
                if (lastEventId > _lastId || lastEventId < _firstId - 1)
                {
                    return new HistoryRead(HistoryReadStatus.UnknownId, [], _lastId);
                }
                if (lastEventId < _unavailableUpTo)
                {
                    return new HistoryRead(HistoryReadStatus.Gap, [], _lastId);
                }

                int skip = _count - (int)(_lastId - lastEventId);
                var events = new StreamEvent[_count - skip];
                for (int i = 0; i < events.Length; i++)
                {
                    events[i] = _ring[(_head + skip + i) % _ring.Length]!;
                }
                return new HistoryRead(HistoryReadStatus.Complete, events, _lastId);
            }
        }

        private void TrimByAge(DateTimeOffset now)
        {
            if (_maxAge is not { } maxAge)
            {
                return;
            }
            while (_count > 0 && now - _ring[_head]!.Timestamp > maxAge)
            {
                RemoveOldest();
            }
        }

        private void RemoveOldest()
        {
            _unavailableUpTo = _ring[_head]!.Id;
            _ring[_head] = null;
            _head = (_head + 1) % _ring.Length;
            _count--;
        }
    }
}
