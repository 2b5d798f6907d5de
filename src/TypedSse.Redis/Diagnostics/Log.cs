using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedSse.Redis.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(201, LogLevel.Warning, "Lost the {ConnectionType} connection to Redis ({FailureType}); StackExchange.Redis reconnects, and the readers catch up by id. Events published meanwhile are delivered late, not lost.")]
    public static partial void ConnectionLost(ILogger logger, Exception? exception, ConnectionType connectionType, ConnectionFailureType failureType);

    [LoggerMessage(202, LogLevel.Information, "The {ConnectionType} connection to Redis is back; catching up on what was published meanwhile.")]
    public static partial void ConnectionRestored(ILogger logger, ConnectionType connectionType);

    [LoggerMessage(203, LogLevel.Warning, "Stream {Stream}: could not read new events from Redis; retrying in {Delay}.")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string stream, TimeSpan delay);

    [LoggerMessage(204, LogLevel.Warning, "Stream {Stream}: events after {DeliveredId} up to {PrunedThrough} were trimmed before this instance delivered them; closing its {Count} connections so they reconnect and resync.")]
    public static partial void DeliveryGap(ILogger logger, string stream, long deliveredId, long prunedThrough, int count);

    [LoggerMessage(205, LogLevel.Information, "A sign-out of user {UserId} reached this instance: closed {Count} of its event-stream responses ({Reason}).")]
    public static partial void UserClosed(ILogger logger, string userId, int count, string reason);

    [LoggerMessage(206, LogLevel.Warning, "Ignoring a sign-out message of {Length} characters that is not {{\"user\":…,\"reason\":…}}; another program may be publishing on the backplane's channel.")]
    public static partial void UnreadableCloseUserNotice(ILogger logger, int length);
}
