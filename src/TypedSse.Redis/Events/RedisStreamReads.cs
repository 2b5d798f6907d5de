using StackExchange.Redis;

namespace TypedSse.Redis.Events;

/// <summary>The reads of a stream's state and events, shared by replay and delivery.</summary>
internal sealed class RedisStreamReads(RedisConnection connection, TimeProvider time)
{
    private readonly RedisKeys _keys = connection.Keys;
    private readonly RedisBackplaneOptions _options = connection.Options;

    /// <summary>The newest id of the stream, 0 if it never had an event; without waiting for this instance's reader.</summary>
    public async Task<long> ReadLatestAsync(string stream, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        try
        {
            var last = await database.HashGetAsync(_keys.Meta(stream), "last").ConfigureAwait(false);
            return last.IsNull ? 0 : (long)last;
        }
        catch (RedisException ex)
        {
            throw new RedisBackplaneException($"Stream '{stream}': could not read its newest id from Redis. {ex.Message}", ex);
        }
    }

    /// <summary>Reads up to <paramref name="count"/> events after <paramref name="after"/> and where the stream stands; null if it never had an event.</summary>
    public async Task<StreamBatch?> ReadBatchAsync(string stream, long after, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = (await connection.GetAsync().ConfigureAwait(false)).GetDatabase();
        try
        {
            var result = await database.ScriptEvaluateAsync(RedisScripts.ReadAfter, [_keys.Events(stream), _keys.Meta(stream)],
                [after, count, AgeCutoff(time.GetUtcNow())]).ConfigureAwait(false);
            return StreamBatch.Parse(result, stream);
        }
        catch (RedisException ex)
        {
            throw new RedisBackplaneException($"Stream '{stream}': could not read the events after {after} from Redis. {ex.Message}", ex);
        }
    }

    public RedisValue AgeCutoff(DateTimeOffset now) =>
        _options.HistoryMaxAge is { } age ? StreamBatch.Microseconds(now - age) : RedisValue.EmptyString;

}
