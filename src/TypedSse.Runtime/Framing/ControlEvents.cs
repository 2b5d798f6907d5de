using System.Buffers;
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

    /// <summary>The <c>reason</c> of a <see cref="Reset"/> when the events after the id are no longer retained.</summary>
    public const string HistoryGapReason = "history-gap";

    /// <summary>The <c>reason</c> of a <see cref="Reset"/> when the id is not one the history issued.</summary>
    public const string UnknownIdReason = "unknown-id";

    internal static ReadOnlyMemory<byte> PingFrame { get; } = ": ping\n\n"u8.ToArray();

    internal static void WritePreamble(IBufferWriter<byte> writer, string connectionId, TimeSpan keepAlive, TimeSpan retry)
    {
        long retryMs = (long)retry.TotalMilliseconds;
        var json = new ArrayBufferWriter<byte>(128);
        using (var hello = new Utf8JsonWriter(json))
        {
            hello.WriteStartObject();
            hello.WriteString("connectionId", connectionId);
            hello.WriteNumber("keepAliveMs", (long)keepAlive.TotalMilliseconds);
            hello.WriteNumber("retryMs", retryMs);
            hello.WriteEndObject();
        }
        SseFrameWriter.WriteEvent(writer, Hello, json.WrittenSpan, retry: retry);
    }

    internal static void WriteReset(IBufferWriter<byte> writer, string reason, long requestedId, long latestId)
    {
        var json = new ArrayBufferWriter<byte>(128);
        using (var reset = new Utf8JsonWriter(json))
        {
            reset.WriteStartObject();
            reset.WriteString("reason", reason);
            reset.WriteString("lastEventId", requestedId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            reset.WriteString("latestEventId", latestId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            reset.WriteEndObject();
        }
        SseFrameWriter.WriteEvent(writer, Reset, json.WrittenSpan, latestId);
    }
}
