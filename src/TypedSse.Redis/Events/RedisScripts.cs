namespace TypedSse.Redis.Events;

/// <summary>
/// The Lua scripts of the backplane. Each runs atomically in Redis, so every instance sees one increasing id sequence
/// per stream, and the retained events and the stream's <c>pruned</c> watermark always agree.
/// </summary>
/// <remarks>
/// Ids are numbers below 2^53 (Unix microseconds), exact in Lua's doubles; they are formatted with <c>%.0f</c>
/// because Lua's own number-to-string conversion keeps only 14 digits.
/// </remarks>
internal static class RedisScripts
{
    // Deletes a prefix of the stream (everything up to an id): beyond the newest maxlen entries, and those with an
    // id below the age cutoff (ids are at least the publish time in µs). Records the newest deleted id as "pruned".
    private const string Trim = """
        local function trim(events, meta, maxlen, cutoff)
          local pruned = nil
          if maxlen ~= '' then
            local excess = redis.call('XLEN', events) - tonumber(maxlen)
            if excess > 0 then
              local old = redis.call('XRANGE', events, '-', '+', 'COUNT', excess)
              pruned = tonumber(string.sub(old[#old][1], 1, -3))
              redis.call('XTRIM', events, 'MAXLEN', maxlen)
            end
          end
          if cutoff ~= '' then
            local old = redis.call('XREVRANGE', events, '(' .. cutoff .. '-0', '-', 'COUNT', 1)
            if #old > 0 then
              local id = tonumber(string.sub(old[1][1], 1, -3))
              if not pruned or id > pruned then pruned = id end
              redis.call('XTRIM', events, 'MINID', cutoff .. '-0')
            end
          end
          if pruned and pruned > tonumber(redis.call('HGET', meta, 'pruned')) then
            redis.call('HSET', meta, 'pruned', string.format('%.0f', pruned))
          end
        end

        """;

    /// <summary>
    /// KEYS: events, meta. ARGV: now (µs), maxlen or '', age cutoff (µs) or '', channel, then the entry's field/value
    /// pairs. The id is the publish time in µs, or one more than the stream's newest if that is not older. Returns it.
    /// </summary>
    public const string Publish = Trim + """
        local now = tonumber(ARGV[1])
        local last = redis.call('HGET', KEYS[2], 'last')
        local id = now
        if last and tonumber(last) >= now then id = tonumber(last) + 1 end
        local sid = string.format('%.0f', id)
        if not last then
          redis.call('HSET', KEYS[2], 'first', sid, 'pruned', string.format('%.0f', id - 1))
        end
        redis.call('HSET', KEYS[2], 'last', sid)
        redis.call('XADD', KEYS[1], sid .. '-0', unpack(ARGV, 5))
        trim(KEYS[1], KEYS[2], ARGV[2], ARGV[3])
        redis.call('PUBLISH', ARGV[4], sid)
        return sid
        """;

    /// <summary>
    /// KEYS: events, meta. ARGV: after (an id), count, age cutoff (µs) or ''. Trims by age, then returns
    /// <c>{first, last, pruned, exists(after), entries after it (at most count)}</c>, or an empty array for a stream
    /// that never had an event.
    /// </summary>
    public const string ReadAfter = Trim + """
        if redis.call('EXISTS', KEYS[2]) == 0 then return {} end
        trim(KEYS[1], KEYS[2], '', ARGV[3])
        local meta = redis.call('HMGET', KEYS[2], 'first', 'last', 'pruned')
        local exists = 0
        if #redis.call('XRANGE', KEYS[1], ARGV[1] .. '-0', ARGV[1] .. '-0') > 0 then exists = 1 end
        local entries = {}
        if tonumber(ARGV[2]) > 0 then
          entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1] .. '-0', '+', 'COUNT', ARGV[2])
        end
        return {meta[1], meta[2], meta[3], exists, entries}
        """;
}
