using Npgsql;

namespace TypedSse.PostgreSql.Events;

/// <summary>Turns rows of the events table, read with the columns of <c>ReadEventsAfter</c>, into stream events.</summary>
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

    public static bool IsConnectionFailure(Exception exception) =>
        exception is NpgsqlException { IsTransient: true };
}
