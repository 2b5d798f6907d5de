using Microsoft.Extensions.Logging;

namespace TypedSse.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Stream {Stream}: connection {ConnectionId} opened (user {UserId}).")]
    public static partial void ConnectionOpened(ILogger logger, string stream, string connectionId, string? userId);

    [LoggerMessage(2, LogLevel.Debug, "Stream {Stream}: connection {ConnectionId} closed.")]
    public static partial void ConnectionClosed(ILogger logger, string stream, string connectionId);

    [LoggerMessage(3, LogLevel.Warning, "Stream {Stream}: ignoring malformed Last-Event-ID \"{Value}\" from {Source}; expected a non-negative decimal integer. The client starts without replay. This warning is logged at most once per {Interval}; {HeldBack} more since the last one were only counted (metric typedsse.last_event_id.malformed).")]
    public static partial void MalformedLastEventId(ILogger logger, string stream, string value, string source, long heldBack, TimeSpan interval);

    [LoggerMessage(4, LogLevel.Warning, "Stream {Stream}: connection {ConnectionId} disconnected because its queue of {Capacity} events was full; the client reconnects and catches up from history.")]
    public static partial void SlowConsumerDisconnected(ILogger logger, string stream, string connectionId, int capacity);

    [LoggerMessage(5, LogLevel.Information, "Stream {Stream}: cannot replay after event {LastEventId} ({Status}); told connection {ConnectionId} to resync from {LatestEventId}.")]
    public static partial void ReplayReset(ILogger logger, string stream, long lastEventId, string status, string connectionId, long latestEventId);

    [LoggerMessage(6, LogLevel.Debug, "Stream {Stream}: connection rejected with status {StatusCode}.")]
    public static partial void ConnectionRejected(ILogger logger, string stream, int statusCode);

    [LoggerMessage(7, LogLevel.Debug, "Stream {Stream}: answered 406 to Accept \"{Accept}\", which excludes text/event-stream.")]
    public static partial void NotAcceptable(ILogger logger, string stream, string accept);

    [LoggerMessage(8, LogLevel.Debug, "Stream {Stream}: replayed {Count} events after {LastEventId} to connection {ConnectionId}.")]
    public static partial void Replayed(ILogger logger, string stream, int count, long lastEventId, string connectionId);

    [LoggerMessage(9, LogLevel.Error, "Stream {Stream}: could not read the history after event {LastEventId} for connection {ConnectionId}; closing it so the client retries.")]
    public static partial void ReplayFailed(ILogger logger, Exception exception, string stream, long lastEventId, string connectionId);

    [LoggerMessage(10, LogLevel.Warning, "Stream {Stream}: could not read the newest event id for connection {ConnectionId}; it starts without a resume point until its first event.")]
    public static partial void StartPositionFailed(ILogger logger, Exception exception, string stream, string connectionId);

    [LoggerMessage(11, LogLevel.Debug, "Multiplexed connection {ConnectionId}: subscription {Subscription} to {Path} refused with status {StatusCode}.")]
    public static partial void SubscriptionRefused(ILogger logger, string connectionId, int subscription, string path, int statusCode);

    [LoggerMessage(12, LogLevel.Debug, "Multiplexed request refused with status {StatusCode}: {Reason}")]
    public static partial void MultiplexedRequestRejected(ILogger logger, int statusCode, string reason);

    [LoggerMessage(13, LogLevel.Warning, "Multiplexed connection: ignoring malformed cursor entry {Index} \"{Value}\" of Last-Event-ID; expected a non-negative decimal integer. That subscription starts without replay. This warning is logged at most once per {Interval}, shared with malformed Last-Event-IDs; {HeldBack} more since the last one were only counted (metric typedsse.last_event_id.malformed).")]
    public static partial void MalformedCursorEntry(ILogger logger, int index, string value, long heldBack, TimeSpan interval);

    [LoggerMessage(14, LogLevel.Warning, "Refused an event-stream request with {StatusCode}: {Limit}. This warning is logged at most once per {Interval}; {HeldBack} more since the last one were only counted (metric typedsse.connections.refused).")]
    public static partial void ConnectionLimitReached(ILogger logger, int statusCode, string limit, long heldBack, TimeSpan interval);

    [LoggerMessage(15, LogLevel.Debug, "Connection {ConnectionId} closed by the server: {Reason}.")]
    public static partial void ClosedByServer(ILogger logger, string connectionId, string reason);

    [LoggerMessage(16, LogLevel.Information, "Request {TraceIdentifier}: its credentials no longer pass the stream's authorization ({StatusCode}) when re-validated; closing it with credentials-rejected.")]
    public static partial void CredentialsRejected(ILogger logger, string traceIdentifier, int statusCode);

    [LoggerMessage(17, LogLevel.Warning, "Request {TraceIdentifier}: re-validating its credentials failed; the stream stays open and is checked again at the next interval.")]
    public static partial void RevalidationFailed(ILogger logger, Exception exception, string traceIdentifier);
}
