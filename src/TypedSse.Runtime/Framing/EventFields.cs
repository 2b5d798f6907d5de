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

    /// <summary>An id must not contain CR or LF (which end the field) or NUL (which makes browsers ignore it).</summary>
    public static bool IsValidId(string? id) =>
        id is null || id.AsSpan().IndexOfAny('\r', '\n', '\0') < 0;

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

    /// <exception cref="ArgumentException">The id contains CR, LF or NUL.</exception>
    public static void ThrowIfInvalidId(string? id, string paramName)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException(
                $"The event id \"{Printable.Of(id!)}\" contains CR, LF or NUL; browsers would cut it short or ignore it. Use an id without control characters.",
                paramName);
        }
    }
}
