namespace TypedSse.Framing;

/// <summary>
/// The <c>id:</c> field of an event, if any: a stream's number, written without formatting it into a string first,
/// or a per-connection id of the app's choosing. The default is no id.
/// </summary>
internal readonly struct SseEventId
{
    private SseEventId(long? number, string? text)
    {
        Number = number;
        Text = text;
    }

    public long? Number { get; }

    public string? Text { get; }

    public static implicit operator SseEventId(long number) => new(number, null);

    /// <summary>A null text is no id; an empty one is an empty <c>id:</c> field, which resets the client's last event id.</summary>
    public static implicit operator SseEventId(string? text) => new(null, text);
}
