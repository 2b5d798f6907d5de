using System.Security.Claims;
using System.Text.Json;

namespace TypedSse;

/// <summary>Options for every TypedSse stream of the app. Configure them with <c>services.AddTypedSse(options => …)</c>.</summary>
public sealed class TypedSseOptions
{
    /// <summary>
    /// How long a connection may stay silent before it gets a <c>: ping</c> comment. The interval is announced to
    /// clients so they can detect a dead connection. <see cref="TimeSpan.Zero"/> turns pings off. Default 15 seconds.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The reconnection delay sent to clients in the <c>retry:</c> field on connect. Default 3 seconds.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many recent events each stream keeps for Last-Event-ID replay. 0 keeps none. Default 1,000.</summary>
    public int HistorySize { get; set; } = 1000;

    /// <summary>How long an event stays in the history, or null for no age limit. Default null.</summary>
    public TimeSpan? HistoryMaxAge { get; set; }

    /// <summary>
    /// How many events may wait in one connection's outbound queue. A client that reads too slowly hits this bound
    /// and is handled by <see cref="SlowConsumerPolicy"/>; its memory never grows past it. Default 1,024.
    /// </summary>
    public int MaxQueuedEventsPerConnection { get; set; } = 1024;

    /// <summary>
    /// How many subscriptions one multiplexed connection (<c>MapEventStreams</c>) may carry. The cursor a browser
    /// sends back grows by about 20 characters per subscription. Default 32.
    /// </summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 32;

    /// <summary>What happens when a connection's queue is full. Default <see cref="TypedSse.SlowConsumerPolicy.Disconnect"/>.</summary>
    public SlowConsumerPolicy SlowConsumerPolicy { get; set; } = SlowConsumerPolicy.Disconnect;

    /// <summary>
    /// The serializer options for payloads. Null (the default) uses the app's
    /// <see cref="Microsoft.AspNetCore.Http.Json.JsonOptions"/>, so a <c>JsonSerializerContext</c> added there makes
    /// publishing trimming- and AOT-safe.
    /// </summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>
    /// Picks the user id that <see cref="EventAudience.ForUser"/> matches. Default: the
    /// <see cref="ClaimTypes.NameIdentifier"/> claim, else the identity's name, for authenticated users only.
    /// </summary>
    public Func<ClaimsPrincipal, string?> UserIdSelector { get; set; } = DefaultUserId;

    private static string? DefaultUserId(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
            ? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.Identity.Name
            : null;
}
