using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSse.Diagnostics;

namespace TypedSse.Hosting;

/// <summary>
/// Counts the open event-stream responses of the app, of each user and of each remote address, and refuses one
/// over a cap before it starts: 429 for a user or an address, 503 when the whole app is full, each with a
/// <c>Retry-After</c> spread over a window so that refused clients do not come back together. A refusal is logged at
/// most once per <see cref="WarningInterval"/>.
/// </summary>
internal sealed class ConnectionLimiter(IOptions<TypedSseOptions> options, TypedSseMetrics metrics, TimeProvider time, ILogger<EventStreams> logger)
{
    public static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly TypedSseOptions _options = options.Value;
    private readonly int _maxConnections = options.Value.MaxConnections ?? DescriptorLimit.DefaultMaxConnections;
    private readonly ConcurrentDictionary<string, int> _byUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _byAddress = new(StringComparer.Ordinal);
    private readonly LogThrottle _warnings = new(time, WarningInterval);
    private int _total;

    /// <summary>The cap on the app's open responses in effect: the option, or the default from the descriptor limit.</summary>
    public int MaxConnections => _maxConnections;

    /// <summary>Takes a place for one response, or answers the refusal and returns null.</summary>
    public async ValueTask<Lease?> AcquireAsync(HttpContext context)
    {
        string? user = _options.MaxConnectionsPerUser is null ? null : _options.UserIdSelector(context.User);
        string? address = _options.MaxConnectionsPerAddress is null ? null : context.Connection.RemoteIpAddress?.ToString();

        string? refused = null;
        int status = StatusCodes.Status429TooManyRequests;
        bool countedUser = false, countedAddress = false;
        if (Interlocked.Increment(ref _total) > _maxConnections)
        {
            refused = $"the app has {_maxConnections} event streams open, its limit (TypedSseOptions.MaxConnections)";
            status = StatusCodes.Status503ServiceUnavailable;
        }
        else if (user is not null && (countedUser = true) && Increment(_byUser, user) > _options.MaxConnectionsPerUser)
        {
            refused = $"user \"{Printable.Of(user)}\" has {_options.MaxConnectionsPerUser} event streams open, the limit per user (TypedSseOptions.MaxConnectionsPerUser)";
        }
        else if (address is not null && (countedAddress = true) && Increment(_byAddress, address) > _options.MaxConnectionsPerAddress)
        {
            refused = $"address {address} has {_options.MaxConnectionsPerAddress} event streams open, the limit per address (TypedSseOptions.MaxConnectionsPerAddress)";
        }

        var lease = new Lease(this, countedUser ? user : null, countedAddress ? address : null);
        if (refused is null)
        {
            return lease;
        }
        lease.Dispose();
        await RefuseAsync(context, status, refused).ConfigureAwait(false);
        return null;
    }

    private async Task RefuseAsync(HttpContext context, int status, string refused)
    {
        metrics.ConnectionRefusedOverLimit(status);
        if (_warnings.ShouldLog(out long heldBack))
        {
            Log.ConnectionLimitReached(logger, status, refused, heldBack, WarningInterval);
        }
        // Spread the retries of refused clients over [RetryAfter, 2 × RetryAfter].
        long seconds = Math.Max(1, (long)Math.Ceiling(_options.LimitRetryAfter.TotalSeconds * (1 + Random.Shared.NextDouble())));
        byte[] body = Encoding.UTF8.GetBytes($"Too many event streams: {refused}. Retry after {seconds} s.\n");
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        if (status == StatusCodes.Status503ServiceUnavailable && !HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol))
        {
            // The app is full: give the connection, and its descriptor, back instead of keeping it alive idle.
            response.Headers.Connection = "close";
        }
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static int Increment(ConcurrentDictionary<string, int> counts, string key) =>
        counts.AddOrUpdate(key, 1, static (_, count) => count + 1);

    private static void Decrement(ConcurrentDictionary<string, int> counts, string key)
    {
        while (true)
        {
            int count = counts.GetValueOrDefault(key);
            if (count <= 1)
            {
                if (counts.TryRemove(KeyValuePair.Create(key, count)) || count == 0)
                {
                    return;
                }
            }
            else if (counts.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }

    /// <summary>One response's place, given back when it ends.</summary>
    internal sealed class Lease(ConnectionLimiter limiter, string? user, string? address) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }
            Interlocked.Decrement(ref limiter._total);
            if (user is not null)
            {
                Decrement(limiter._byUser, user);
            }
            if (address is not null)
            {
                Decrement(limiter._byAddress, address);
            }
        }
    }
}
