using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace TypedSse.History;

/// <summary>
/// The default history and backplane for a single instance: a bounded ring of recent events per stream, trimmed by
/// count and by age.
/// </summary>
/// <remarks>
/// A stream's ids start at the Unix time in microseconds when the stream is first used, so an id from an earlier
/// run of the process is recognised as unknown instead of being mistaken for a recent one.
/// </remarks>
internal sealed class InMemoryEventLog(IEventSink sink, IOptions<TypedSseOptions> options, TimeProvider time) : IEventBackplane, IEventHistory
{
    private readonly ConcurrentDictionary<string, StreamLog> _streams = new(StringComparer.Ordinal);

    public ValueTask<long> PublishAsync(EventDraft draft, CancellationToken cancellationToken) =>
        new(GetLog(draft.Stream).Append(draft, sink, time.GetUtcNow()));

    public ValueTask<HistoryRead> ReadAfterAsync(string stream, long lastEventId, CancellationToken cancellationToken) =>
        new(GetLog(stream).ReadAfter(lastEventId, time.GetUtcNow()));

    public ValueTask<long> ReadLatestEventIdAsync(string stream, CancellationToken cancellationToken) =>
        new(GetLog(stream).LatestId);

    private StreamLog GetLog(string stream) =>
        _streams.GetOrAdd(stream, static (_, state) => new StreamLog(state.options.Value, state.time.GetUtcNow()), (options, time));

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

        public StreamLog(TypedSseOptions options, DateTimeOffset now)
        {
            _ring = new StreamEvent?[options.HistorySize];
            _maxAge = options.HistoryMaxAge;
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
                var streamEvent = new StreamEvent(draft.Stream, _lastId + 1, draft.EventName, draft.Data, draft.Audience, now);
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
