namespace TypedSse.Hosting;

/// <summary>
/// Reads the cursor of a multiplexed request: its Last-Event-ID (or <c>lastEventId</c>) as a comma-separated list,
/// entry <c>i</c> the last event id the client saw on subscription <c>i</c>. See docs/protocol.md.
/// </summary>
internal static class StreamCursor
{
    private const int MaxEntryLength = 19;

    /// <param name="value">The cursor as the client sent it, or null.</param>
    /// <param name="subscriptions">How many subscriptions the request has.</param>
    /// <param name="malformed">Told the index and the text of each entry that is not an id.</param>
    /// <returns>Each subscription's last event id, or null where the cursor has none (or a malformed one).</returns>
    public static long?[] Parse(string? value, int subscriptions, Action<int, string> malformed)
    {
        var positions = new long?[subscriptions];
        if (value is null)
        {
            return positions;
        }

        var rest = value.AsSpan();
        for (int i = 0; i < subscriptions && !rest.IsEmpty; i++)
        {
            int comma = rest.IndexOf(',');
            var entry = comma < 0 ? rest : rest[..comma];
            rest = comma < 0 ? default : rest[(comma + 1)..];
            if (entry.IsEmpty)
            {
                continue;
            }
            if (entry.Length <= MaxEntryLength
                && long.TryParse(entry, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id))
            {
                positions[i] = id;
            }
            else
            {
                malformed(i, entry.ToString());
            }
        }
        return positions;
    }
}
