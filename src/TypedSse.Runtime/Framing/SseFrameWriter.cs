using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace TypedSse.Framing;

/// <summary>Writes the fields of the WHATWG <c>text/event-stream</c> format as UTF-8.</summary>
internal static class SseFrameWriter
{
    private static ReadOnlySpan<byte> EventField => "event: "u8;
    private static ReadOnlySpan<byte> IdField => "id: "u8;
    private static ReadOnlySpan<byte> DataField => "data: "u8;
    private static ReadOnlySpan<byte> RetryField => "retry: "u8;
    private static ReadOnlySpan<byte> CommentPrefix => ": "u8;

    public static void WriteEvent(IBufferWriter<byte> writer, string? eventName, long id, ReadOnlySpan<byte> data)
    {
        WriteEventHeader(writer, eventName, id);
        WriteData(writer, data);
        WriteNewLine(writer);
    }

    /// <summary>Writes the <c>event:</c> and <c>id:</c> lines.</summary>
    public static void WriteEventHeader(IBufferWriter<byte> writer, string? eventName, long id)
    {
        WriteEventName(writer, eventName);
        writer.Write(IdField);
        WriteNumber(writer, id);
        WriteNewLine(writer);
    }

    /// <summary>The length of the prefix before the value of a <c>data:</c> line.</summary>
    public static int DataPrefixLength => DataField.Length;

    public static void WriteEvent(IBufferWriter<byte> writer, string? eventName, string? id, ReadOnlySpan<byte> data)
    {
        WriteEventName(writer, eventName);
        if (id is not null)
        {
            writer.Write(IdField);
            WriteUtf8(writer, id);
            WriteNewLine(writer);
        }
        WriteData(writer, data);
        WriteNewLine(writer);
    }

    /// <summary>Frames one event, with an id of the caller's choosing or none, into its own buffer.</summary>
    public static ReadOnlyMemory<byte> FrameEvent(string? eventName, string? id, ReadOnlySpan<byte> data)
    {
        var frame = new ArrayBufferWriter<byte>(data.Length + 64);
        WriteEvent(frame, eventName, id, data);
        return frame.WrittenMemory;
    }

    /// <summary>Writes one <c>data:</c> line per line of <paramref name="data"/>, splitting at CRLF, CR and LF.</summary>
    public static void WriteData(IBufferWriter<byte> writer, ReadOnlySpan<byte> data)
    {
        while (true)
        {
            int lineEnd = data.IndexOfAny((byte)'\r', (byte)'\n');
            writer.Write(DataField);
            if (lineEnd < 0)
            {
                writer.Write(data);
                WriteNewLine(writer);
                return;
            }

            writer.Write(data[..lineEnd]);
            WriteNewLine(writer);
            bool crlf = data[lineEnd] == '\r' && lineEnd + 1 < data.Length && data[lineEnd + 1] == '\n';
            data = data[(lineEnd + (crlf ? 2 : 1))..];
        }
    }

    public static void WriteRetry(IBufferWriter<byte> writer, long milliseconds)
    {
        writer.Write(RetryField);
        WriteNumber(writer, milliseconds);
        WriteNewLine(writer);
    }

    /// <summary>Writes a comment line for each line of <paramref name="text"/>.</summary>
    public static void WriteComment(IBufferWriter<byte> writer, string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            writer.Write(CommentPrefix);
            WriteUtf8(writer, line);
            WriteNewLine(writer);
        }
    }

    public static void WriteNewLine(IBufferWriter<byte> writer)
    {
        writer.GetSpan(1)[0] = (byte)'\n';
        writer.Advance(1);
    }

    /// <exception cref="ArgumentException">The name contains CR or LF.</exception>
    public static void ValidateEventName(string? eventName, string paramName)
    {
        if (eventName is not null && eventName.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException(
                $"The event name \"{Printable(eventName)}\" contains a line break (CR or LF), which would end the field early. Use a name without line breaks.",
                paramName);
        }
    }

    /// <exception cref="ArgumentException">The id contains CR, LF or NUL.</exception>
    public static void ValidateId(string? id, string paramName)
    {
        if (id is not null && id.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException(
                $"The event id \"{Printable(id)}\" contains CR, LF or NUL; browsers would cut it short or ignore it. Use an id without control characters.",
                paramName);
        }
    }

    /// <summary>Makes a value safe to show in a message or a log: control characters escaped, length capped.</summary>
    public static string Printable(string value, int maxLength = 64)
    {
        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        foreach (char c in value.Length > maxLength ? value.AsSpan(0, maxLength) : value.AsSpan())
        {
            if (char.IsControl(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }
        if (value.Length > maxLength)
        {
            builder.Append("… (").Append(value.Length).Append(" chars)");
        }
        return builder.ToString();
    }

    private static void WriteEventName(IBufferWriter<byte> writer, string? eventName)
    {
        if (string.IsNullOrEmpty(eventName))
        {
            return;
        }
        writer.Write(EventField);
        WriteUtf8(writer, eventName);
        WriteNewLine(writer);
    }

    private static void WriteNumber(IBufferWriter<byte> writer, long value)
    {
        var span = writer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        writer.Advance(written);
    }

    private static void WriteUtf8(IBufferWriter<byte> writer, ReadOnlySpan<char> text)
    {
        var span = writer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        writer.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
