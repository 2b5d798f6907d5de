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

    /// <summary>
    /// When the app stops, each connection gets a last <c>retry:</c> drawn from [<see cref="RetryInterval"/>,
    /// <see cref="RetryInterval"/> + this], so that after a restart the clients come back spread over this window
    /// instead of all at once. <see cref="TimeSpan.Zero"/> sends none. Default 10 seconds.
    /// </summary>
    public TimeSpan ShutdownReconnectSpread { get; set; } = TimeSpan.FromSeconds(10);

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

    /// <summary>
    /// Whether a stream ends when the credentials it was opened with expire: the authentication ticket's
    /// <c>ExpiresUtc</c> (a cookie, a JWT bearer token) or a JWT's <c>exp</c> claim. The client gets a
    /// <c>typedsse:close</c> with reason <c>credentials-expired</c> and reconnects with fresh credentials; nothing
    /// queued after the expiry is written. Default true.
    /// </summary>
    public bool CloseWhenCredentialsExpire { get; set; } = true;

    /// <summary>
    /// How many event-stream responses the app may hold open; a request over it is answered 503 with
    /// <c>Retry-After</c>. A multiplexed response counts once. Null (the default) is the process's file
    /// descriptor limit (<c>ulimit -n</c>) less a fifth, and less at least 320, on Linux; unlimited elsewhere; see
    /// docs/security.md.
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>
    /// How many event-stream responses one user (by <see cref="UserIdSelector"/>) may hold open; a request over it is
    /// answered 429 with <c>Retry-After</c>. Anonymous requests are not counted. Null (the default) is no limit.
    /// </summary>
    public int? MaxConnectionsPerUser { get; set; }

    /// <summary>
    /// How many event-stream responses one remote address may hold open; a request over it is answered 429 with
    /// <c>Retry-After</c>. Behind a proxy, use the forwarded-headers middleware so the address is the client's. Null
    /// (the default) is no limit: many users can share an address (an office, a carrier's NAT).
    /// </summary>
    public int? MaxConnectionsPerAddress { get; set; }

    /// <summary>
    /// The base of the <c>Retry-After</c> sent with a refusal over a limit; each refusal asks for a random delay
    /// between it and twice it, so that refused clients come back spread out. Default 5 seconds.
    /// </summary>
    public TimeSpan LimitRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether Kestrel's <c>MaxConcurrentConnections</c>, when the app leaves it unset, is set to the process's file
    /// descriptor limit less a tenth (and less at least 256), and enforced at accept: while that many connections are
    /// open, Kestrel accepts no more and new ones wait in the listen backlog (Kestrel's <c>ListenOptions.Backlog</c>),
    /// so a flood of connections waits or is refused by the kernel instead of exhausting descriptors and aborting the
    /// process. Default true.
    /// </summary>
    public bool LimitKestrelConnectionsToDescriptors { get; set; } = true;

    /// <summary>
    /// How often an open stream's credentials are checked again; null (the default) for never. Each check
    /// authenticates a copy of the request afresh (so a cookie's <c>OnValidatePrincipal</c>, a security-stamp check or
    /// a JWT bearer's <c>OnTokenValidated</c> runs again) and re-runs the authorization policies of the endpoints the
    /// response serves; a stream that no longer passes ends with <c>typedsse:close</c>
    /// (<c>{"reason":"credentials-rejected"}</c>). It costs one authentication and authorization per open response per
    /// interval (with a user store behind the cookie, a query each): prefer <see cref="EventStreams.CloseUserAsync"/>
    /// from the code that revokes access, and short-lived credentials, and use this where neither reaches. A check that
    /// throws is logged and the stream stays open. At least 1 second.
    /// </summary>
    public TimeSpan? RevalidateCredentialsInterval { get; set; }

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
