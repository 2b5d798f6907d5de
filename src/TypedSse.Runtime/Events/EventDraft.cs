using TypedSse.Framing;

// In the namespace of the history interfaces it is handed to, where it has always been public.
namespace TypedSse.History;

/// <summary>An event on its way into the history, before it has an id.</summary>
/// <remarks>Its event name is checked when it is set, so a backplane can frame any draft it is handed.</remarks>
public readonly record struct EventDraft
{
    private readonly string? _eventName;

    /// <summary>Creates a draft. The parameters keep the names they had when this was a positional record, for named arguments.</summary>
    /// <param name="Stream">The stream's name.</param>
    /// <param name="EventName">The <c>event:</c> field, or null for <c>message</c>.</param>
    /// <param name="Data">The UTF-8 payload, serialized once.</param>
    /// <param name="Audience">Who may receive the event.</param>
    /// <exception cref="ArgumentException">The event name contains CR or LF.</exception>
    public EventDraft(string Stream, string? EventName, ReadOnlyMemory<byte> Data, EventAudience Audience)
    {
        EventFields.ThrowIfInvalidEventName(EventName, nameof(EventName));
        this.Stream = Stream;
        _eventName = EventName;
        this.Data = Data;
        this.Audience = Audience;
    }

    private EventDraft(string stream, ReadOnlyMemory<byte> data, EventAudience audience, string? checkedEventName)
    {
        Stream = stream;
        _eventName = checkedEventName;
        Data = data;
        Audience = audience;
    }

    /// <summary>The stream's name.</summary>
    public string Stream { get; init; }

    /// <summary>The <c>event:</c> field, or null for <c>message</c>.</summary>
    /// <exception cref="ArgumentException">The event name contains CR or LF.</exception>
    public string? EventName
    {
        get => _eventName;
        init
        {
            EventFields.ThrowIfInvalidEventName(value, nameof(EventName));
            _eventName = value;
        }
    }

    /// <summary>The UTF-8 payload, serialized once.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Who may receive the event.</summary>
    public EventAudience Audience { get; init; }

    /// <summary>Deconstructs the draft into its parts.</summary>
    public void Deconstruct(out string Stream, out string? EventName, out ReadOnlyMemory<byte> Data, out EventAudience Audience)
    {
        Stream = this.Stream;
        EventName = _eventName;
        Data = this.Data;
        Audience = this.Audience;
    }

    /// <summary>A draft of values the caller has already checked where they entered the public API.</summary>
    internal static EventDraft FromChecked(string stream, string? eventName, ReadOnlyMemory<byte> data, EventAudience audience) =>
        new(stream, data, audience, eventName);
}
