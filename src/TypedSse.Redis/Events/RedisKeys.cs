using StackExchange.Redis;

namespace TypedSse.Redis.Events;

/// <summary>
/// The names of a stream's keys and channel, and of the backplane's sign-out channel. One Redis stream per TypedSse stream; its name sits in a hash tag, so
/// both keys of a stream land in the same slot of a Redis Cluster and its scripts can touch them together.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>The Redis stream of the events, one entry per event, entry id <c>&lt;event id&gt;-0</c>.</summary>
    public RedisKey Events(string stream) => $"{prefix}:{{{stream}}}:events";

    /// <summary>A hash with the stream's <c>first</c>, <c>last</c> and <c>pruned</c> ids.</summary>
    public RedisKey Meta(string stream) => $"{prefix}:{{{stream}}}:meta";

    /// <summary>Where each publish announces the new id; only instances with connections of the stream subscribe.</summary>
    public RedisChannel Published(string stream) => RedisChannel.Literal($"{prefix}:{{{stream}}}:published");

    /// <summary>Where <c>EventStreams.CloseUserAsync</c> tells every instance to close a user's connections.</summary>
    public RedisChannel CloseUser => RedisChannel.Literal($"{prefix}:close-user");
}
