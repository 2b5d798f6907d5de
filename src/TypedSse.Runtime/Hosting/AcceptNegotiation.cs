using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace TypedSse.Hosting;

internal static class AcceptNegotiation
{
    /// <summary>
    /// False only when the Accept header lists media types and none of them admits <c>text/event-stream</c>: an
    /// explicit entry decides by its quality, else <c>*/*</c> or <c>text/*</c>. A missing or unparsable header accepts.
    /// </summary>
    public static bool AcceptsEventStream(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var mediaTypes) || mediaTypes.Count == 0)
        {
            return true;
        }

        double? exact = null;
        double? wildcard = null;
        foreach (var mediaType in mediaTypes)
        {
            double quality = mediaType.Quality ?? 1;
            if (mediaType.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                exact = Math.Max(exact ?? 0, quality);
            }
            else if (mediaType.MediaType.Equals("*/*", StringComparison.Ordinal) || mediaType.MediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase))
            {
                wildcard = Math.Max(wildcard ?? 0, quality);
            }
        }
        return (exact ?? wildcard ?? 0) > 0;
    }
}
