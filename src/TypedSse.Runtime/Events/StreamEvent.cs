using System.Buffers;
using System.Diagnostics;
using TypedSse.Framing;
using TypedSse.History;

namespace TypedSse;

/// <summary>
/// An event of a stream with its id: the unit of history and of delivery. Its wire bytes are framed once, when it
/// is created, and shared by every connection it is delivered to.
/// </summary>
public sealed class StreamEvent
{
    /// <summary>Creates an event and frames it.</summary>
    /// <param name="stream">The stream's name.</param>
    /// <param name="id">The id the history assigned: positive, increasing within the stream.</param>
    /// <param name="eventName">The <c>event:</c> field, or null for the default <c>message</c> type.</param>
    /// <param name="data">The UTF-8 payload, usually JSON.</param>
    /// <param name="audience">Who may receive the event, live and on replay.</param>
    /// <param name="timestamp">When the event was published.</param>
    /// <exception cref="ArgumentException">The event name contains CR or LF, or the id is not positive.</exception>
    public StreamEvent(string stream, long id, string? eventName, ReadOnlyMemory<byte> data, EventAudience audience, DateTimeOffset timestamp)
        : this(CheckedDraft(stream, id, eventName, data, audience), id, timestamp)
    {
    }

    /// <summary>Creates an event from a draft, whose event name was checked when it was made, and the id and time the history gave it.</summary>
    internal StreamEvent(EventDraft draft, long id, DateTimeOffset timestamp)
    {
        Debug.Assert(!string.IsNullOrEmpty(draft.Stream) && id > 0);
        var (stream, eventName, data, audience) = draft;
        Stream = stream;
        Id = id;
        EventName = eventName;
        Audience = audience;
        Timestamp = timestamp;

        var span = data.Span;
        var frame = new ArrayBufferWriter<byte>(SseFrameWriter.EstimateLength(eventName, span));
        int headerLength = SseFrameWriter.WriteEvent(frame, eventName, span, id);
        Frame = frame.WrittenMemory;
        DataLines = Frame[headerLength..];
        // A named frame starts with "event: ", the name and a line feed.
        EventNameBytes = string.IsNullOrEmpty(eventName) ? default : Frame["event: ".Length..Frame.Span.IndexOf((byte)'\n')];
        // A single-line payload sits whole inside the frame, so keep one copy of it.
        Data = span.IndexOfAny((byte)'\r', (byte)'\n') < 0 ? Frame.Slice(headerLength + SseFrameWriter.DataPrefixLength, data.Length) : data;
    }

    /// <summary>The stream's name.</summary>
    public string Stream { get; }

    /// <summary>The event id, increasing within the stream.</summary>
    public long Id { get; }

    /// <summary>The event type, or null for <c>message</c>.</summary>
    public string? EventName { get; }

    /// <summary>The UTF-8 payload.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Who may receive the event.</summary>
    public EventAudience Audience { get; }

    /// <summary>When the event was published.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The complete <c>text/event-stream</c> bytes of the event, ending with the blank line.</summary>
    public ReadOnlyMemory<byte> Frame { get; }

    /// <summary>
    /// The end of <see cref="Frame"/> from its first <c>data:</c> line on, blank line included: what follows header
    /// lines that a connection writes for itself (an <c>event:</c> or <c>id:</c> of its own).
    /// </summary>
    internal ReadOnlyMemory<byte> DataLines { get; }

    /// <summary>The event type as UTF-8, a slice of <see cref="Frame"/>; empty for <c>message</c>.</summary>
    internal ReadOnlyMemory<byte> EventNameBytes { get; }

    private static EventDraft CheckedDraft(string stream, long id, string? eventName, ReadOnlyMemory<byte> data, EventAudience audience)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(id);
        EventFields.ThrowIfInvalidEventName(eventName, nameof(eventName));
        return EventDraft.FromChecked(stream, eventName, data, audience);
    }
}
