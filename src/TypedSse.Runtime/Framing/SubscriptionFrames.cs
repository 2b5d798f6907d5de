using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace TypedSse.Framing;

/// <summary>
/// The framing of a multiplexed response (docs/protocol.md): an event's type is prefixed with its subscription's
/// index, and its id is the cursor of every subscription. Only these header lines are written per connection; the
/// data lines are the event's shared bytes.
/// </summary>
internal static class SubscriptionFrames
{
    /// <summary>The position of a subscription that has none (a refused one): an empty entry of the cursor.</summary>
    public const long NoPosition = -1;

    private static ReadOnlySpan<byte> EventField => "event: "u8;
    private static ReadOnlySpan<byte> IdField => "id: "u8;
    private static ReadOnlySpan<byte> DefaultType => "message"u8;

    /// <summary>
    /// Writes <c>event: &lt;subscription&gt;:&lt;type&gt;</c> and <c>id: &lt;cursor&gt;</c>; <paramref name="eventName"/>
    /// is UTF-8, empty for the default <c>message</c>. Returns the number of bytes written.
    /// </summary>
    public static int WriteEventHeader(IBufferWriter<byte> writer, int subscription, ReadOnlySpan<byte> eventName, ReadOnlySpan<long> positions)
    {
        int written = WriteTypeLine(writer, subscription, eventName);
        return written + WriteIdLine(writer, positions);
    }

    /// <summary>Writes <c>event: &lt;subscription&gt;:&lt;type&gt;</c> for a type given as text (a control event or a connection's own send).</summary>
    public static void WriteTypeLine(IBufferWriter<byte> writer, int subscription, string? eventName)
    {
        byte[] name = Encoding.UTF8.GetBytes(string.IsNullOrEmpty(eventName) ? "message" : eventName);
        WriteTypeLine(writer, subscription, name);
    }

    /// <summary>Writes <c>id: </c> and the cursor: each subscription's position, comma-separated, empty for none.</summary>
    public static int WriteIdLine(IBufferWriter<byte> writer, ReadOnlySpan<long> positions)
    {
        int length = IdField.Length + positions.Length + 20 * positions.Length + 1;
        var span = writer.GetSpan(length);
        IdField.CopyTo(span);
        int at = IdField.Length;
        for (int i = 0; i < positions.Length; i++)
        {
            if (i > 0)
            {
                span[at++] = (byte)',';
            }
            if (positions[i] != NoPosition)
            {
                Utf8Formatter.TryFormat(positions[i], span[at..], out int digits);
                at += digits;
            }
        }
        span[at++] = (byte)'\n';
        writer.Advance(at);
        return at;
    }

    /// <summary>
    /// Writes a control event: a connection's own (<paramref name="subscription"/> null, <c>typedsse:hello</c>) or a
    /// subscription's (<c>&lt;i&gt;:typedsse:reset</c>), with the cursor as its id unless <paramref name="positions"/> is empty.
    /// </summary>
    public static void WriteControlEvent(IBufferWriter<byte> writer, int? subscription, string eventName, ReadOnlySpan<long> positions,
        ReadOnlySpan<byte> data, TimeSpan? retry = null)
    {
        if (subscription is int index)
        {
            WriteTypeLine(writer, index, eventName);
        }
        else
        {
            SseFrameWriter.WriteHeader(writer, eventName, retry: retry);
        }
        if (!positions.IsEmpty)
        {
            WriteIdLine(writer, positions);
        }
        SseFrameWriter.WriteDataLines(writer, data);
    }

    /// <summary>Frames an event of one subscription without an id, into its own buffer: a connection's own send.</summary>
    public static ReadOnlyMemory<byte> FrameEvent(int subscription, string? eventName, ReadOnlySpan<byte> data)
    {
        var frame = new ArrayBufferWriter<byte>(SseFrameWriter.EstimateLength(eventName, data));
        WriteTypeLine(frame, subscription, eventName);
        SseFrameWriter.WriteDataLines(frame, data);
        return frame.WrittenMemory;
    }

    private static int WriteTypeLine(IBufferWriter<byte> writer, int subscription, ReadOnlySpan<byte> eventName)
    {
        var type = eventName.IsEmpty ? DefaultType : eventName;
        var span = writer.GetSpan(EventField.Length + 11 + 1 + type.Length + 1);
        EventField.CopyTo(span);
        int at = EventField.Length;
        Utf8Formatter.TryFormat(subscription, span[at..], out int digits);
        at += digits;
        span[at++] = (byte)':';
        type.CopyTo(span[at..]);
        at += type.Length;
        span[at++] = (byte)'\n';
        writer.Advance(at);
        return at;
    }
}
