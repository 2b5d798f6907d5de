namespace TypedSse.PostgreSql;

/// <summary>
/// The PostgreSQL backplane could not reach or use its database, for example during a database restart. The message
/// says whether the event was published.
/// </summary>
public sealed class PostgreSqlBackplaneException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PostgreSqlBackplaneException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
