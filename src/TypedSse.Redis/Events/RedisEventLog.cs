using System.Globalization;
using System.Runtime.CompilerServices;
using StackExchange.Redis;
using TypedSse.History;
using TypedSse.Redis.Delivery;

namespace TypedSse.Redis.Events;

/// <summary>
/// The history and the publishing side of the backplane: an event is appended to its stream's Redis stream by a
/// script that assigns its id, trims the history and announces the id. Delivery is the <see cref="StreamReaders"/>'
/// job, on this instance as on every other.
/// </summary>
internal sealed class RedisEventLog(RedisConnection connection, RedisStreamReads reads, StreamReaders readers, TimeProvider time) : IEventBackplane, IEventHistory
{
    private readonly RedisKeys _keys = connection.Keys;
    private readonly RedisBackplaneOptions _options = connection.Options;

    public async ValueTask<long> PublishAsync(EventDraft draft, CancellationToken cancellationToken)
    {
        if (draft.Audience.Predicate is not null)
        {
            throw new NotSupportedException(
                $"Stream '{draft.Stream}': an EventAudience.Where predicate cannot cross app instances, so the Redis backplane cannot publish it. " +
                "Target a topic (EventAudience.ForTopic) or a user (EventAudience.ForUser) instead.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        var arguments = new List<RedisValue>(16)
        {
            StreamBatch.Microseconds(now),
            _options.HistorySize is { } size ? size : RedisValue.EmptyString,
            reads.AgeCutoff(now),
            _keys.Published(draft.Stream).ToString(),
        };
        arguments.AddRange(StreamBatch.Fields(draft, now));
        try
        {
            var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();
            var id = await database.ScriptEvaluateAsync(RedisScripts.Publish, [_keys.Events(draft.Stream), _keys.Meta(draft.Stream)], [.. arguments]).ConfigureAwait(false);
            return long.Parse((string)id!, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (RedisConnectionException ex)
        {
            throw new RedisBackplaneException($"Stream '{draft.Stream}': the event was not published because the Redis backplane cannot reach Redis. {ex.Message}", ex);
        }
        catch (RedisTimeoutException ex)
        {
            throw new RedisBackplaneException($"Stream '{draft.Stream}': Redis did not answer in time, so the event may or may not have been published (a retry may publish it twice). {ex.Message}", ex);
        }
        catch (RedisException ex)
        {
            throw new RedisBackplaneException($"Stream '{draft.Stream}': Redis refused the event, so it was not published. {ex.Message}", ex);
        }
    }

    /// <summary>Announces a sign-out on the sign-out channel; every instance's <see cref="CloseUserListener"/> closes the user's connections.</summary>
    public async ValueTask CloseUserAsync(string userId, string reason, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var redis = await connection.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            await redis.GetSubscriber().PublishAsync(_keys.CloseUser, CloseUserNotice.Format(userId, reason)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            throw new RedisBackplaneException(
                $"The streams of user \"{userId}\" were closed on this instance, but the Redis backplane could not tell the other instances. {ex.Message}", ex);
        }
    }

    public async ValueTask<HistoryRead> ReadAfterAsync(string stream, long lastEventId, CancellationToken cancellationToken)
    {
        await readers.WaitUntilPositionedAsync(stream, cancellationToken).ConfigureAwait(false);
        int limit = _options.ReadBatchSize;
        var batch = await reads.ReadBatchAsync(stream, lastEventId, limit, cancellationToken).ConfigureAwait(false);
        if (batch is null)
        {
            // Nothing was ever published: only 0, the id a reset of an empty stream hands out, is known.
            return new HistoryRead(lastEventId == 0 ? HistoryReadStatus.Complete : HistoryReadStatus.UnknownId, [], 0);
        }
        var status = StatusOf(lastEventId, batch.FirstId, batch.LatestId, batch.PrunedThrough, batch.AfterExists);
        if (status != HistoryReadStatus.Complete)
        {
            return new HistoryRead(status, [], batch.LatestId);
        }
        var events = batch.Events;
        bool more = events.Count == limit && events[^1].Id < batch.LatestId;
        return new HistoryRead(HistoryReadStatus.Complete, events, batch.LatestId)
        {
            More = more ? ReadRestAsync(stream, events[^1].Id, batch.LatestId, CancellationToken.None) : null,
        };
    }

    public async ValueTask<long> ReadLatestEventIdAsync(string stream, CancellationToken cancellationToken)
    {
        await readers.WaitUntilPositionedAsync(stream, cancellationToken).ConfigureAwait(false);
        return await reads.ReadLatestAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<StreamEvent> ReadRestAsync(string stream, long after, long through, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (after < through)
        {
            var batch = await reads.ReadBatchAsync(stream, after, _options.ReadBatchSize, cancellationToken).ConfigureAwait(false);
            if (batch is null || batch.PrunedThrough > after)
            {
                throw new RedisBackplaneException(
                    $"Stream '{stream}': the events after {after} were trimmed from the history while they were being replayed; the client reconnects and resyncs.");
            }
            foreach (var streamEvent in batch.Events)
            {
                if (streamEvent.Id > through)
                {
                    yield break;
                }
                yield return streamEvent;
                after = streamEvent.Id;
            }
            if (batch.Events.Count < _options.ReadBatchSize)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// The rules of the in-memory history: ids run from the one before the stream's first event to its newest, and
    /// those below the newest pruned id have a gap after them. An id inside the range that the stream never issued
    /// (ids are not consecutive) is unknown.
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
}
