namespace TypedSse.Client;

/// <summary>
/// The multiplexed endpoint's wire conventions (docs/protocol.md): the request path with one <c>s</c> per
/// subscription, the cursor (entry <i>i</i> the last id of subscription <i>i</i>) and the <c>&lt;i&gt;:&lt;type&gt;</c> event names.
/// </summary>
internal static class MultiplexedCursor
{
    /// <summary>The request of <paramref name="endpoint"/> for these subscriptions, each path relative to the base address.</summary>
    public static string Path(string endpoint, IEnumerable<string> subscriptions) =>
        endpoint + (endpoint.Contains('?') ? "&" : "?") + string.Join("&", subscriptions.Select(static path => "s=" + Uri.EscapeDataString("/" + path)));

    /// <summary>The cursor of these entries; null (no header) when every entry is empty.</summary>
    public static string? Format(IEnumerable<string?> entries)
    {
        var cursor = string.Join(",", entries.Select(static entry => entry ?? ""));
        return cursor.Replace(",", "").Length == 0 ? null : cursor;
    }

    /// <summary>Entry <paramref name="index"/> of a cursor, empty when it has none.</summary>
    public static string Entry(string cursor, int index)
    {
        var entries = cursor.Split(',');
        return index < entries.Length ? entries[index] : "";
    }

    /// <summary>Splits <c>&lt;index&gt;:&lt;type&gt;</c>; false for a connection-level event such as the hello.</summary>
    public static bool TrySplit(string name, out int index, out string type)
    {
        var colon = name.IndexOf(':');
        index = 0;
        type = "";
        if (colon <= 0 || colon > 9 || !int.TryParse(name.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index))
        {
            return false;
        }

        type = name.Substring(colon + 1);
        return true;
    }
}
