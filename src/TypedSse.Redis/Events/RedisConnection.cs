using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TypedSse.Redis.Events;

/// <summary>
/// The multiplexer the backplane uses: the app's own, or one it connects from
/// <see cref="RedisBackplaneOptions.Configuration"/> on first use (and disposes at the end).
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly IConnectionMultiplexer? _given;
    private readonly Lazy<Task<IConnectionMultiplexer>> _connect;

    public RedisConnection(IOptions<RedisBackplaneOptions> options, IConnectionMultiplexer? given = null)
    {
        Options = options.Value;
        Keys = new RedisKeys(Options.KeyPrefix);
        _given = given;
        _connect = new(() => given is not null ? Task.FromResult(given) : ConnectAsync(Options.Configuration));
    }

    public RedisBackplaneOptions Options { get; }

    public RedisKeys Keys { get; }

    public Task<IConnectionMultiplexer> GetAsync() => _connect.Value;

    private static async Task<IConnectionMultiplexer> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        // Fail a command at once while Redis is unreachable instead of queueing it: a publish either reaches Redis
        // or throws, so the caller knows the event was not published.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_given is null && _connect.IsValueCreated && _connect.Value.IsCompletedSuccessfully)
        {
            await _connect.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }
}
