using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TypedSse.Diagnostics;
using TypedSse.Framing;

namespace TypedSse.Hosting;

/// <summary>
/// Reads the id a reconnecting client last saw, from the Last-Event-ID header or the lastEventId query parameter.
/// A malformed one is counted every time and logged at most once per <see cref="WarningInterval"/>, because a client
/// can send it on every request.
/// </summary>
internal sealed class LastEventIdReader(ILogger<EventStreams> logger, TypedSseMetrics metrics, TimeProvider time)
{
    public const string HeaderName = "Last-Event-ID";
    public const string QueryName = "lastEventId";
    public static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly LogThrottle _warnings = new(time, WarningInterval);

    /// <summary>Reads a stream event id: a non-negative decimal integer. Anything else is reported and treated as absent.</summary>
    public long? ReadEventId(HttpRequest request, string stream)
    {
        var (value, source) = ReadRaw(request);
        if (value is null)
        {
            return null;
        }
        if (value.Length <= 19 && long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id))
        {
            return id;
        }
        Malformed(stream, value, source);
        return null;
    }

    /// <summary>Reads an id of the app's own making, for per-connection handlers. Control characters or excessive length make it absent.</summary>
    public string? ReadCustomId(HttpRequest request, string stream)
    {
        var (value, source) = ReadRaw(request);
        if (value is null)
        {
            return null;
        }
        if (EventFields.IsValidId(value))
        {
            return value;
        }
        Malformed(stream, value, source);
        return null;
    }

    /// <summary>Reads the cursor of a multiplexed request (see <see cref="StreamCursor"/>); <paramref name="endpoint"/> names it in logs and metrics.</summary>
    public long?[] ReadCursor(HttpRequest request, int subscriptions, string endpoint)
    {
        var (value, _) = ReadRaw(request);
        return StreamCursor.Parse(value, subscriptions, (index, entry) =>
        {
            metrics.MalformedLastEventId(endpoint);
            if (_warnings.ShouldLog(out long heldBack))
            {
                Log.MalformedCursorEntry(logger, index, Printable.Of(entry), heldBack, _warnings.Interval);
            }
        });
    }

    private void Malformed(string stream, string value, string source)
    {
        metrics.MalformedLastEventId(stream);
        if (_warnings.ShouldLog(out long heldBack))
        {
            Log.MalformedLastEventId(logger, stream, Printable.Of(value), source, heldBack, _warnings.Interval);
        }
    }

    private static (string? Value, string Source) ReadRaw(HttpRequest request)
    {
        var header = request.Headers[HeaderName];
        if (header.Count > 0 && !string.IsNullOrEmpty(header[0]))
        {
            return (header.ToString(), "the Last-Event-ID header");
        }
        var query = request.Query[QueryName];
        if (query.Count > 0 && !string.IsNullOrEmpty(query[0]))
        {
            return (query.ToString(), "the lastEventId query parameter");
        }
        return (null, "");
    }
}
