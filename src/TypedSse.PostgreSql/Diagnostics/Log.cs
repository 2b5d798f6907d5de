using Microsoft.Extensions.Logging;

namespace TypedSse.PostgreSql.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "Event log schema \"{Schema}\" migrated from version {From} to {To}.")]
    public static partial void SchemaMigrated(ILogger logger, string schema, int from, int to);

    [LoggerMessage(102, LogLevel.Information, "Event log schema \"{Schema}\" is at version {Version}, newer than this app's {Known}; leaving it as it is.")]
    public static partial void SchemaNewer(ILogger logger, string schema, int version, int known);

    [LoggerMessage(103, LogLevel.Warning, "Lost the connection that listens for events; reconnecting every {Delay} and catching up by id. Events published meanwhile are delivered late, not lost.")]
    public static partial void ListenerLost(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(104, LogLevel.Information, "Listening for events again; catching up on what was published meanwhile.")]
    public static partial void ListenerReconnected(ILogger logger);

    [LoggerMessage(105, LogLevel.Debug, "Could not reconnect to the database yet.")]
    public static partial void ReconnectFailed(ILogger logger, Exception exception);

    [LoggerMessage(106, LogLevel.Warning, "Could not read new events from the database; retrying in {Delay}.")]
    public static partial void ReadFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(107, LogLevel.Warning, "Stream {Stream}: events after {DeliveredId} up to {PrunedThrough} were pruned before this instance delivered them; closing its {Count} connections so they reconnect and resync.")]
    public static partial void DeliveryGap(ILogger logger, string stream, long deliveredId, long prunedThrough, int count);

    [LoggerMessage(108, LogLevel.Error, "Stream {Stream}: skipping event {Id}, whose row cannot be turned into an event.")]
    public static partial void UnreadableEvent(ILogger logger, Exception exception, string stream, long id);

    [LoggerMessage(109, LogLevel.Debug, "Pruned {Count} events outside the history.")]
    public static partial void Pruned(ILogger logger, long count);

    [LoggerMessage(110, LogLevel.Warning, "Could not prune the event log; retrying in {Interval}.")]
    public static partial void PruneFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(111, LogLevel.Information, "A sign-out of user {UserId} reached this instance: closed {Count} of its event-stream responses ({Reason}).")]
    public static partial void UserClosed(ILogger logger, string userId, int count, string reason);

    [LoggerMessage(112, LogLevel.Warning, "Ignoring a sign-out notification of {Length} characters that is not {{\"user\":…,\"reason\":…}}; another program may be notifying on the backplane's channel.")]
    public static partial void UnreadableCloseUserNotice(ILogger logger, int length);
}
