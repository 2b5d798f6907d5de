using System.Net;

namespace TypedSse.Client;

/// <summary>The server answered a connection attempt with a status that is not an event stream.</summary>
public sealed class EventStreamHttpException(HttpStatusCode statusCode, string path)
    : Exception($"The event stream '{path}' answered {(int)statusCode} {statusCode}." + (statusCode == HttpStatusCode.NotFound ? NotFoundHint : ""))
{
    private const string NotFoundHint =
        " No stream is mapped at this path: check the client's BaseAddress, and whether the app maps the contract at a"
        + " pattern of its own (app.MapChatEvents(\"/room/{room}/events\")) instead of the contract's route, which the"
        + " generated Connect methods use.";

    /// <summary>The status of the response.</summary>
    public HttpStatusCode StatusCode { get; } = statusCode;
}

/// <summary>The server answered 2xx with a content type other than <c>text/event-stream</c>: the path is not an event stream.</summary>
public sealed class EventStreamContentTypeException(string? contentType, string path)
    : Exception($"'{path}' answered with content type '{contentType ?? "(none)"}' instead of text/event-stream: check the path and the client's BaseAddress.");

/// <summary>Nothing arrived, not even a keep-alive ping, for longer than the watchdog allows; the connection was dropped and is retried.</summary>
public sealed class EventStreamTimeoutException(TimeSpan timeout)
    : Exception($"The event stream was silent for {timeout.TotalMilliseconds:0} ms, longer than its keep-alive allows; reconnecting.")
{
    /// <summary>How long the watchdog waited.</summary>
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>An event could not be turned into its C# type, or the receiver threw while handling it; the connection goes on.</summary>
public sealed class EventStreamEventException(string eventType, string? eventId, string message, Exception inner)
    : Exception(message, inner)
{
    /// <summary>The <c>event:</c> of the event.</summary>
    public string EventType { get; } = eventType;

    /// <summary>The <c>id:</c> of the event, if it had one.</summary>
    public string? EventId { get; } = eventId;
}
