using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

namespace TypedSse.Framing;

/// <summary>
/// Writes the WHATWG <c>text/event-stream</c> format as UTF-8. Every event goes through <see cref="WriteEvent"/>.
/// Names and ids are checked where they enter the public API (<see cref="EventFields"/>), so here they are only asserted.
/// </summary>
/// <remarks>
/// An event is its header lines (<c>retry:</c>, <c>event:</c>, <c>id:</c>) followed by its data lines and the blank
/// line that ends it. The data part does not depend on who receives the event, so it can be written once and shared
/// behind header lines written per connection (see <see cref="StreamEvent"/>).
/// </remarks>
internal static class SseFrameWriter
{
    private static ReadOnlySpan<byte> RetryField => "retry: "u8;
    private static ReadOnlySpan<byte> EventField => "event: "u8;
    private static ReadOnlySpan<byte> IdField => "id: "u8;
    private static ReadOnlySpan<byte> DataField => "data: "u8;
    private static ReadOnlySpan<byte> CommentPrefix => ": "u8;

    /// <summary>The length of the prefix before the value of a <c>data:</c> line.</summary>
    public static int DataPrefixLength => DataField.Length;

    /// <summary>Writes one event: its header lines, then one <c>data:</c> line per line of <paramref name="data"/>, then the blank line.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="eventName">The <c>event:</c> field, or null (or empty) for none, which clients read as <c>message</c>.</param>
    /// <param name="data">The UTF-8 payload; split into lines at CRLF, CR and LF.</param>
    /// <param name="id">The <c>id:</c> field, or none.</param>
    /// <param name="retry">The <c>retry:</c> field, or null for none.</param>
    /// <returns>The length of the header lines: the data lines start this many bytes into what was written.</returns>
    public static int WriteEvent(IBufferWriter<byte> writer, string? eventName, ReadOnlySpan<byte> data, SseEventId id = default, TimeSpan? retry = null)
    {
        int headerLength = WriteHeader(writer, eventName, id, retry);
        WriteDataLines(writer, data);
        return headerLength;
    }

    /// <summary>Frames one event into its own buffer (see <see cref="WriteEvent"/>).</summary>
    public static ReadOnlyMemory<byte> FrameEvent(string? eventName, ReadOnlySpan<byte> data, SseEventId id = default, TimeSpan? retry = null)
    {
        var frame = new ArrayBufferWriter<byte>(EstimateLength(eventName, data));
        WriteEvent(frame, eventName, data, id, retry);
        return frame.WrittenMemory;
    }

    /// <summary>A buffer size that holds the frame of an event without growing in the usual case.</summary>
    public static int EstimateLength(string? eventName, ReadOnlySpan<byte> data)
    {
        int lineBreaks = data.Count((byte)'\n') + data.Count((byte)'\r');
        return data.Length + (lineBreaks * (DataPrefixLength + 1)) + (eventName?.Length * 3 ?? 0) + 64;
    }

    /// <summary>Writes the lines of an event before its data: <c>retry:</c>, <c>event:</c> and <c>id:</c>, each if present.</summary>
    /// <returns>The number of bytes written.</returns>
    public static int WriteHeader(IBufferWriter<byte> writer, string? eventName, SseEventId id = default, TimeSpan? retry = null)
    {
        int written = 0;
        if (retry is { } interval)
        {
            written += WriteRetryLine(writer, interval);
        }
        if (!string.IsNullOrEmpty(eventName))
        {
            Debug.Assert(EventFields.IsValidEventName(eventName), "Event names are checked where they enter the public API.");
            written += WriteLine(writer, EventField, eventName);
        }
        if (id.Text is { } text)
        {
            Debug.Assert(EventFields.IsValidId(text), "Ids are checked where they enter the public API.");
            written += WriteLine(writer, IdField, text);
        }
        else if (id.Number is { } number)
        {
            written += WriteNumberLine(writer, IdField, number);
        }
        return written;
    }

    /// <summary>Writes one <c>data:</c> line per line of <paramref name="data"/>, splitting at CRLF, CR and LF, then the blank line that ends the event.</summary>
    public static void WriteDataLines(IBufferWriter<byte> writer, ReadOnlySpan<byte> data)
    {
        while (true)
        {
            int lineEnd = data.IndexOfAny((byte)'\r', (byte)'\n');
            writer.Write(DataField);
            if (lineEnd < 0)
            {
                writer.Write(data);
                WriteNewLine(writer);
                break;
            }

            writer.Write(data[..lineEnd]);
            WriteNewLine(writer);
            bool crlf = data[lineEnd] == '\r' && lineEnd + 1 < data.Length && data[lineEnd + 1] == '\n';
            data = data[(lineEnd + (crlf ? 2 : 1))..];
        }
        WriteNewLine(writer);
    }

    /// <summary>Frames a <c>retry:</c> field on its own, which changes the client's reconnection delay and dispatches nothing.</summary>
    public static ReadOnlyMemory<byte> FrameRetry(TimeSpan retry)
    {
        var frame = new ArrayBufferWriter<byte>(32);
        WriteRetryLine(frame, retry);
        WriteNewLine(frame);
        return frame.WrittenMemory;
    }

    /// <summary>Frames a comment, which clients ignore: one comment line per line of <paramref name="text"/>, then the blank line.</summary>
    public static ReadOnlyMemory<byte> FrameComment(string text)
    {
        var frame = new ArrayBufferWriter<byte>(text.Length + 8);
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            WriteLine(frame, CommentPrefix, line);
        }
        WriteNewLine(frame);
        return frame.WrittenMemory;
    }

    private static int WriteRetryLine(IBufferWriter<byte> writer, TimeSpan retry)
    {
        Debug.Assert(retry >= TimeSpan.Zero, "Retry intervals are checked where they enter the public API.");
        return WriteNumberLine(writer, RetryField, (long)retry.TotalMilliseconds);
    }

    private static int WriteLine(IBufferWriter<byte> writer, ReadOnlySpan<byte> field, ReadOnlySpan<char> value)
    {
        writer.Write(field);
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length));
        int length = Encoding.UTF8.GetBytes(value, span);
        writer.Advance(length);
        WriteNewLine(writer);
        return field.Length + length + 1;
    }

    private static int WriteNumberLine(IBufferWriter<byte> writer, ReadOnlySpan<byte> field, long value)
    {
        writer.Write(field);
        var span = writer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int length);
        writer.Advance(length);
        WriteNewLine(writer);
        return field.Length + length + 1;
    }

    private static void WriteNewLine(IBufferWriter<byte> writer)
    {
        writer.GetSpan(1)[0] = (byte)'\n';
        writer.Advance(1);
    }
}
