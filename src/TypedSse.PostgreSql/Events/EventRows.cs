using Npgsql;

namespace TypedSse.PostgreSql.Events;

/// <summary>Turns rows of the events table, read with the columns of <c>ReadEventsAfterLimited</c>, into stream events.</summary>
internal static class EventRows
{
    public static StreamEvent Read(NpgsqlDataReader reader, string stream)
    {
        var audience = new EventAudience
        {
            Topic = reader.IsDBNull(2) ? null : reader.GetString(2),
            UserId = reader.IsDBNull(3) ? null : reader.GetString(3),
            ConnectionId = reader.IsDBNull(4) ? null : reader.GetString(4),
        };
        return new StreamEvent(
            stream,
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetFieldValue<byte[]>(5),
            audience,
            reader.GetFieldValue<DateTimeOffset>(6));
    }

    /// <summary>
    /// Whether the connection failed, as opposed to the server refusing a statement: class 08, the server shutting
    /// down or starting (57P01–57P03), or an error with no server answer at all (I/O, timeout).
    /// </summary>
    public static bool IsConnectionFailure(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException => true,
        _ => false,
    };
}
