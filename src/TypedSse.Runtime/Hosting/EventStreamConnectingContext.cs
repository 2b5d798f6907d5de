using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TypedSse;

/// <summary>A connection about to start, as seen by <see cref="EventStreamEndpointOptions.OnConnecting"/>.</summary>
public sealed class EventStreamConnectingContext
{
    internal EventStreamConnectingContext(HttpContext httpContext, string streamName, string? userId, HashSet<string> topics, RouteValueDictionary routeValues)
    {
        RouteValues = routeValues;
        HttpContext = httpContext;
        StreamName = streamName;
        UserId = userId;
        Topics = topics;
    }

    /// <summary>The request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>
    /// The values of the stream's route parameters, for example <c>room</c> of <c>/rooms/{room}/events</c>. Read these
    /// rather than <c>HttpContext.Request.RouteValues</c>, which belong to the multiplexed endpoint when the stream is
    /// one of its subscriptions.
    /// </summary>
    public RouteValueDictionary RouteValues { get; }

    /// <summary>The stream the client asks for.</summary>
    public string StreamName { get; }

    /// <summary>The user id that user-targeted events will match; change it to override <see cref="TypedSseOptions.UserIdSelector"/>.</summary>
    public string? UserId { get; set; }

    /// <summary>The topics the connection will subscribe to; it starts with the route topic.</summary>
    public ISet<string> Topics { get; }

    /// <summary>The status code the request was rejected with, if it was.</summary>
    public int? RejectedWith { get; private set; }

    /// <summary>
    /// Ends the request with <paramref name="statusCode"/> instead of starting the stream. 204 (the default) tells an
    /// EventSource to stop reconnecting for good.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The status code is 200 or not an HTTP status code.</exception>
    public void Reject(int statusCode = StatusCodes.Status204NoContent)
    {
        if (statusCode is < 100 or > 599 or StatusCodes.Status200OK)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode,
                "Reject with an HTTP status code other than 200, such as 204 (stop reconnecting), 401, 403 or 404.");
        }
        RejectedWith = statusCode;
    }
}
