using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TypedSse.Diagnostics;

namespace TypedSse.Hosting;

/// <summary>
/// Reads the cursor of a multiplexed request: its Last-Event-ID (or <c>lastEventId</c>) as a comma-separated list,
/// entry <c>i</c> the last event id the client saw on subscription <c>i</c>. See docs/protocol.md.
/// </summary>
internal static class StreamCursor
{
    private const int MaxEntryLength = 19;

    /// <returns>Each subscription's last event id, or null where the cursor has none (or a malformed one).</returns>
    public static long?[] Read(HttpRequest request, int subscriptions, ILogger logger)
    {
        var positions = new long?[subscriptions];
        var (value, _) = LastEventIdReader.ReadRaw(request);
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
                Log.MalformedCursorEntry(logger, i, Printable.Of(entry.ToString()));
            }
        }
        return positions;
    }
}
