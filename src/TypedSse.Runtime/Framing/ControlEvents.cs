using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace TypedSse.Framing;

/// <summary>
/// The events TypedSse itself sends. Their names contain a colon, which contract event names never do,
/// so they cannot collide with application events. See docs/protocol.md.
/// </summary>
public static class ControlEvents
{
    /// <summary>Sent first on every connection: the connection id, the keep-alive and retry intervals.</summary>
    public const string Hello = "typedsse:hello";

    /// <summary>Sent instead of a replay when the requested Last-Event-ID is older than the history or unknown to it.</summary>
    public const string Reset = "typedsse:reset";

    /// <summary>Sent on a multiplexed connection, as <c>&lt;subscription&gt;:typedsse:refused</c>, for each subscription that was refused.</summary>
    public const string Refused = "typedsse:refused";

    /// <summary>
    /// Sent last when the server ends a connection on purpose (credentials expired, the user signed out): its
    /// <c>reason</c> says why, and the client reconnects with fresh credentials instead of treating it as a failure.
    /// On a multiplexed connection it is a connection-level event, like the hello.
    /// </summary>
    public const string Close = "typedsse:close";

    /// <summary>The <c>reason</c> of a <see cref="Close"/> when the credentials the connection was opened with expired.</summary>
    public const string CredentialsExpiredReason = "credentials-expired";

    /// <summary>The <c>reason</c> of a <see cref="Close"/> when re-validating the credentials failed.</summary>
    public const string CredentialsRejectedReason = "credentials-rejected";

    /// <summary>The <c>reason</c> of a <see cref="Reset"/> when the events after the id are no longer retained.</summary>
    public const string HistoryGapReason = "history-gap";

    /// <summary>The <c>reason</c> of a <see cref="Reset"/> when the id is not one the history issued.</summary>
    public const string UnknownIdReason = "unknown-id";

    internal static ReadOnlyMemory<byte> PingFrame { get; } = ": ping\n\n"u8.ToArray();

    /// <summary>What the hello of a multiplexed connection says of one subscription.</summary>
    internal readonly record struct SubscriptionHello(string Path, string? Stream, string? ConnectionId, int? RefusedWith);

    /// <summary>Writes <c>retry:</c> and the hello of a single-stream connection; <paramref name="startId"/> is its resume point, if it has one.</summary>
    internal static void WritePreamble(IBufferWriter<byte> writer, string connectionId, TimeSpan keepAlive, TimeSpan retry, long? startId)
    {
        long retryMs = (long)retry.TotalMilliseconds;
        var hello = Json((connectionId, keepAlive, retryMs), static (json, state) =>
            WriteHelloFields(json, state.connectionId, state.keepAlive, state.retryMs));
        SseFrameWriter.WriteEvent(writer, Hello, hello.Span, startId is long start ? start : default(SseEventId), retry);
    }

    /// <summary>Writes <c>retry:</c>, the hello of a multiplexed connection with its cursor, and a refusal for each refused subscription.</summary>
    internal static void WriteMultiplexedPreamble(IBufferWriter<byte> writer, string connectionId, TimeSpan keepAlive, TimeSpan retry,
        SubscriptionHello[] subscriptions, ReadOnlySpan<long> positions)
    {
        long retryMs = (long)retry.TotalMilliseconds;
        var hello = Json((connectionId, keepAlive, retryMs, subscriptions), static (json, state) =>
        {
            WriteHelloFields(json, state.connectionId, state.keepAlive, state.retryMs);
            json.WriteStartArray("subscriptions");
            foreach (var subscription in state.subscriptions)
            {
                json.WriteStartObject();
                json.WriteString("path", subscription.Path);
                if (subscription.Stream is { } stream)
                {
                    json.WriteString("stream", stream);
                }
                if (subscription.ConnectionId is { } id)
                {
                    json.WriteString("connectionId", id);
                }
                if (subscription.RefusedWith is int status)
                {
                    json.WriteNumber("refused", status);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        });
        SubscriptionFrames.WriteControlEvent(writer, subscription: null, Hello, positions, hello.Span, retry);

        for (int i = 0; i < subscriptions.Length; i++)
        {
            if (subscriptions[i].RefusedWith is int status)
            {
                var refused = Json((subscriptions[i].Path, status), static (json, state) =>
                {
                    json.WriteString("path", state.Path);
                    json.WriteNumber("status", state.status);
                });
                SubscriptionFrames.WriteControlEvent(writer, i, Refused, positions: default, refused.Span);
            }
        }
    }

    /// <summary>
    /// Writes a reset. On a single-stream connection its id is the newest id; on a multiplexed one it is the
    /// subscription's <c>&lt;i&gt;:typedsse:reset</c> and its id the cursor, already moved to the newest id.
    /// </summary>
    internal static void WriteReset(IBufferWriter<byte> writer, int? subscription, string reason, long requestedId, long latestId, ReadOnlySpan<long> positions)
    {
        var reset = Json((reason, requestedId, latestId), static (json, state) =>
        {
            json.WriteString("reason", state.reason);
            json.WriteString("lastEventId", state.requestedId.ToString(CultureInfo.InvariantCulture));
            json.WriteString("latestEventId", state.latestId.ToString(CultureInfo.InvariantCulture));
        });
        if (subscription is null)
        {
            SseFrameWriter.WriteEvent(writer, Reset, reset.Span, latestId);
        }
        else
        {
            SubscriptionFrames.WriteControlEvent(writer, subscription, Reset, positions, reset.Span);
        }
    }

    /// <summary>Writes a close with its reason; no id, so the client's last event id (or cursor) stays as it is.</summary>
    internal static void WriteClose(IBufferWriter<byte> writer, string reason)
    {
        var close = Json(reason, static (json, reason) => json.WriteString("reason", reason));
        SseFrameWriter.WriteEvent(writer, Close, close.Span, default(SseEventId));
    }

    private static void WriteHelloFields(Utf8JsonWriter json, string connectionId, TimeSpan keepAlive, long retryMs)
    {
        json.WriteString("connectionId", connectionId);
        json.WriteNumber("keepAliveMs", (long)keepAlive.TotalMilliseconds);
        json.WriteNumber("retryMs", retryMs);
    }

    /// <summary>Writes one small JSON object; control events are rare, so they may allocate.</summary>
    private static ReadOnlyMemory<byte> Json<TState>(TState state, Action<Utf8JsonWriter, TState> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            writeProperties(json, state);
            json.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }
}
