using TypedSse.Diagnostics;

namespace TypedSse.Framing;

/// <summary>
/// What an event name and an id may contain. The public API checks each value once, where it comes in; everything
/// after that only asserts it.
/// </summary>
internal static class EventFields
{
    /// <summary>An event name must not contain CR or LF, which would end the field early.</summary>
    public static bool IsValidEventName(string? eventName) =>
        eventName is null || eventName.AsSpan().IndexOfAny('\r', '\n') < 0;

    /// <summary>The longest id a client may send back; a longer Last-Event-ID is treated as absent.</summary>
    public const int MaxIdLength = 1024;

    /// <summary>
    /// An id must be one a client can send back: no control character (CR and LF would end the field, NUL makes
    /// browsers ignore it, and fetch refuses a Last-Event-ID header with any of U+0000–U+001F or U+007F), and at
    /// most <see cref="MaxIdLength"/> characters.
    /// </summary>
    public static bool IsValidId(string? id) =>
        id is null || (id.Length <= MaxIdLength && !id.AsSpan().ContainsAnyInRange('\0', '\u001f') && !id.Contains('\u007f'));

    /// <summary>A close reason is a short code of printable characters.</summary>
    public static void ThrowIfInvalidCloseReason(string reason, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason, paramName);
        if (reason.Length > 200 || reason.Any(char.IsControl))
        {
            throw new ArgumentException(
                $"The close reason \"{Printable.Of(reason)}\" is {(reason.Length > 200 ? $"{reason.Length} characters long" : "holding a control character")}; use a short code of at most 200 printable characters, such as \"signed-out\".",
                paramName);
        }
    }

    /// <exception cref="ArgumentException">The name contains CR or LF.</exception>
    public static void ThrowIfInvalidEventName(string? eventName, string paramName)
    {
        if (!IsValidEventName(eventName))
        {
            throw new ArgumentException(
                $"The event name \"{Printable.Of(eventName!)}\" contains a line break (CR or LF), which would end the field early. Use a name without line breaks.",
                paramName);
        }
    }

    /// <exception cref="ArgumentException">The id contains a control character or is too long to be sent back.</exception>
    public static void ThrowIfInvalidId(string? id, string paramName)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException(
                id!.Length > MaxIdLength
                    ? $"The event id \"{Printable.Of(id)}\" is longer than {MaxIdLength} characters, so a client could not send it back as its Last-Event-ID. Use a shorter id."
                    : $"The event id \"{Printable.Of(id)}\" contains a control character (U+0000–U+001F or U+007F); browsers would cut it short or ignore it, and fetch refuses to send it back as Last-Event-ID. Use an id without control characters.",
                paramName);
        }
    }
}
