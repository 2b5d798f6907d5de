namespace TypedSse.Redis;

/// <summary>
/// Options of the Redis Streams backplane. Configure them with
/// <c>services.AddTypedSse().AddRedisBackplane(configuration, options => …)</c>.
/// </summary>
public sealed class RedisBackplaneOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string (<c>host:port,password=…</c>) of the Redis that holds the events;
    /// every instance uses the same one. Empty when the app passed its own <c>IConnectionMultiplexer</c>.
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>
    /// The prefix of every key and channel, so apps that share a Redis but not their streams use different ones.
    /// Letters, digits, <c>_ - . :</c>, at most 50 characters. Default <c>typedsse</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "typedsse";

    /// <summary>How many recent events each stream keeps for Last-Event-ID replay, or null for no count limit. Default 10,000.</summary>
    /// <remarks><see cref="TypedSseOptions.HistorySize"/> applies to the in-memory history only.</remarks>
    public int? HistorySize { get; set; } = 10_000;

    /// <summary>How long an event is kept for replay, or null for no age limit. Default 1 day.</summary>
    /// <remarks><see cref="TypedSseOptions.HistoryMaxAge"/> applies to the in-memory history only.</remarks>
    public TimeSpan? HistoryMaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long to wait between retries of a read that failed, and before the extra catch-up read after the
    /// connection to Redis came back. Default 2 seconds.
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many events of one stream are read from Redis at a time, for delivery and for replay. Default 1,000.</summary>
    public int ReadBatchSize { get; set; } = 1_000;
}
