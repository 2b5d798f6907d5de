using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using TypedSse.Connections;
using TypedSse.Diagnostics;
using TypedSse.Framing;
using TypedSse.History;
using TypedSse.Streams;

namespace TypedSse;

/// <summary>The app's named streams. Inject it to publish; streams are created on first use.</summary>
public sealed class EventStreams
{
    private readonly ConcurrentDictionary<string, EventStream> _streams = new(StringComparer.Ordinal);
    private readonly EventFanOut _fanOut;
    private readonly IEventBackplane _backplane;
    private readonly IEventHistory _history;
    private readonly TypedSseMetrics _metrics;
    private readonly ConnectionTracker _connections;

    internal EventStreams(EventFanOut fanOut, IEventBackplane backplane, IEventHistory history, TypedSseMetrics metrics,
        ConnectionTracker connections, JsonSerializerOptions serializerOptions)
    {
        _connections = connections;
        _fanOut = fanOut;
        _backplane = backplane;
        _history = history;
        _metrics = metrics;
        SerializerOptions = WithResolver(serializerOptions);
    }

    /// <summary>The options payloads are serialized with.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>
    /// How many event-stream responses this instance has open: a multiplexed response counts once however many
    /// subscriptions it carries (each stream's <see cref="EventStream.ConnectionCount"/> counts its subscriptions).
    /// </summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>
    /// Ends every stream of a user, on every instance when there is a backplane: all its connections, in all tabs,
    /// multiplexed responses included (which close as a whole). Each gets a <c>typedsse:close</c> event with
    /// <paramref name="reason"/> and nothing queued after the call is written to it; a client reconnects with the
    /// credentials it has then, so after a sign-out it gets 401. Call it when a user signs out or is revoked.
    /// </summary>
    /// <param name="userId">The user id, as <see cref="TypedSseOptions.UserIdSelector"/> (or <c>OnConnecting</c>) set it.</param>
    /// <param name="reason">What the client is told, such as <c>"signed-out"</c>: up to 200 characters, no control characters.</param>
    /// <param name="cancellationToken">Cancels carrying the close to the other instances.</param>
    /// <returns>How many responses of this instance were closed.</returns>
    /// <exception cref="ArgumentException">The user id is empty, or the reason is empty, too long or holds a control character.</exception>
    public async ValueTask<int> CloseUserAsync(string userId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        EventFields.ThrowIfInvalidCloseReason(reason, nameof(reason));
        int closed = _connections.CloseUser(userId, reason);
        await _backplane.CloseUserAsync(userId, reason, cancellationToken).ConfigureAwait(false);
        return closed;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only when reflection-based serialization is enabled, as JsonSerializer itself does.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only when reflection-based serialization is enabled, as JsonSerializer itself does.")]
    private static JsonSerializerOptions WithResolver(JsonSerializerOptions options)
    {
        if (options.TypeInfoResolver is not null)
        {
            return options;
        }
        if (!JsonSerializer.IsReflectionEnabledByDefault)
        {
            throw new InvalidOperationException(
                "The serializer options for TypedSse have no TypeInfoResolver and reflection-based serialization is disabled. " +
                "Set TypedSseOptions.SerializerOptions.TypeInfoResolver (or JsonOptions) to your JsonSerializerContext, for example MyJsonContext.Default.");
        }
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The stream called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is null or empty.</exception>
    public EventStream this[string name]
    {
        get
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            return _streams.GetOrAdd(name, static (key, self) =>
                new EventStream(key, self._fanOut[key], self._backplane, self._history, self.SerializerOptions, self._metrics), this);
        }
    }
}
