namespace TypedSse;

/// <summary>
/// The topic a route scope maps to. A connection to <c>/rooms/lobby/events</c>, mapped from
/// <c>/rooms/{room}/events</c>, is subscribed to <c>Format([new("room", "lobby")])</c>, which is <c>room=lobby</c>;
/// publishing to that topic reaches it.
/// </summary>
public static class RouteTopic
{
    /// <summary>Formats one route value as a topic, for example <c>room=lobby</c>.</summary>
    public static string Format(string name, string? value) => Pair(new(name, value));

    /// <summary>
    /// Formats route values as a topic: <c>name=value</c> pairs in template order, joined by <c>&amp;</c>, each part
    /// escaped as a URI data string. A null value formats as empty.
    /// </summary>
    public static string Format(params ReadOnlySpan<KeyValuePair<string, string?>> routeValues)
    {
        if (routeValues.Length == 1)
        {
            return Pair(routeValues[0]);
        }

        var parts = new string[routeValues.Length];
        for (int i = 0; i < routeValues.Length; i++)
        {
            parts[i] = Pair(routeValues[i]);
        }
        return string.Join('&', parts);
    }

    private static string Pair(KeyValuePair<string, string?> value) =>
        Uri.EscapeDataString(value.Key) + "=" + Uri.EscapeDataString(value.Value ?? "");
}
