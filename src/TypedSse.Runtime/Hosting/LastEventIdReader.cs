using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TypedSse.Diagnostics;

namespace TypedSse.Hosting;

/// <summary>Reads the id a reconnecting client last saw, from the Last-Event-ID header or the lastEventId query parameter.</summary>
internal static class LastEventIdReader
{
    public const string HeaderName = "Last-Event-ID";
    public const string QueryName = "lastEventId";
    private const int MaxCustomIdLength = 1024;

    /// <summary>Reads a stream event id: a non-negative decimal integer. Anything else is logged and treated as absent.</summary>
    public static long? ReadEventId(HttpRequest request, string stream, ILogger logger)
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
        Log.MalformedLastEventId(logger, stream, Printable.Of(value), source);
        return null;
    }

    /// <summary>Reads an id of the app's own making, for per-connection handlers. Control characters or excessive length make it absent.</summary>
    public static string? ReadCustomId(HttpRequest request, string stream, ILogger logger)
    {
        var (value, source) = ReadRaw(request);
        if (value is null)
        {
            return null;
        }
        if (value.Length <= MaxCustomIdLength && !value.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            return value;
        }
        Log.MalformedLastEventId(logger, stream, Printable.Of(value), source);
        return null;
    }

    public static (string? Value, string Source) ReadRaw(HttpRequest request)
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
