using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace TypedSse.Client;

/// <summary>How an <see cref="EventStreamClient"/> connects, reconnects and reads events.</summary>
public sealed class EventStreamClientOptions
{
    /// <summary>
    /// The options the event data is read with. Use the server's (<c>JsonSerializerDefaults.Web</c> by default in
    /// ASP.NET Core); under Native AOT or trimming set a <see cref="JsonSerializerOptions.TypeInfoResolver"/> (a
    /// <c>JsonSerializerContext</c> that includes every payload type). Defaults to <c>JsonSerializerDefaults.Web</c>.
    /// </summary>
    public JsonSerializerOptions SerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Called before every connection attempt, reconnections included, to add headers (a freshly refreshed token) or
    /// otherwise change the request. An exception it throws counts as a failed attempt and is retried.
    /// </summary>
    public Func<HttpRequestMessage, CancellationToken, ValueTask>? ConfigureRequest { get; set; }

    /// <summary>The reconnection delay until the server sends <c>retry:</c>. Defaults to 3 seconds, as the TypeScript client.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The cap of the exponential backoff after consecutive failures (a server's larger <c>retry:</c> still wins). Defaults to 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The watchdog drops a connection that has been silent for this many keep-alive intervals (the hello's
    /// <c>keepAliveMs</c>) and reconnects. Defaults to 3.
    /// </summary>
    public double KeepAliveTimeoutFactor { get; set; } = 3;

    /// <summary>
    /// How long a response may stay silent before its hello (the first event of every TypedSse response) arrives: a
    /// server or proxy that sends headers and then nothing is treated as a lost connection and reconnected. Defaults
    /// to 30 seconds; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of retry delays and the watchdog. Defaults to the <see cref="TimeProvider"/> in DI, or <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Told of what goes wrong without ending the connection: a receiver that threw or an event that could not be read
    /// (<see cref="EventStreamEventException"/>), a failed attempt (<see cref="EventStreamHttpException"/>,
    /// <see cref="EventStreamTimeoutException"/>, <see cref="HttpRequestException"/>, <see cref="IOException"/>).
    /// </summary>
    public Action<Exception>? OnError { get; set; }

    /// <summary>
    /// Where the client logs what is worth knowing without being an error, such as an <see cref="EventStreamHub"/>
    /// falling back to a request per connection. Defaults to the <see cref="ILoggerFactory"/> in DI for clients and hubs
    /// registered there; none otherwise.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>A source of numbers in [0, 1) for the backoff jitter; <see cref="Random.Shared"/> unless a test sets its own.</summary>
    public Func<double>? Random { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(SerializerOptions, nameof(SerializerOptions));
        if (SerializerOptions.TypeInfoResolver is null)
        {
            if (!JsonSerializer.IsReflectionEnabledByDefault)
            {
                throw new InvalidOperationException(
                    "EventStreamClientOptions.SerializerOptions has no TypeInfoResolver, and reflection-based serialization is off (Native AOT or trimming): " +
                    "set SerializerOptions = new(JsonSerializerDefaults.Web) { TypeInfoResolver = YourJsonSerializerContext.Default } with a context that includes every payload type.");
            }

            PopulateReflectionResolver(SerializerOptions);
        }

        if (RetryDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), $"RetryDelay ({RetryDelay}) and MaxRetryDelay ({MaxRetryDelay}) must not be negative.");
        }
        if (HelloTimeout <= TimeSpan.Zero && HelloTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(HelloTimeout), HelloTimeout, "HelloTimeout must be positive, or Timeout.InfiniteTimeSpan to wait for the hello forever.");
        }
        if (!(KeepAliveTimeoutFactor >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(KeepAliveTimeoutFactor), KeepAliveTimeoutFactor, "KeepAliveTimeoutFactor must be at least 1: a smaller one drops connections between two pings.");
        }
    }

    // As JsonSerializer does on first use. Only reached when JsonSerializer.IsReflectionEnabledByDefault, a feature
    // switch that trimming and Native AOT turn off.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault.")]
    private static void PopulateReflectionResolver(JsonSerializerOptions options) => options.MakeReadOnly(populateMissingResolver: true);
}
