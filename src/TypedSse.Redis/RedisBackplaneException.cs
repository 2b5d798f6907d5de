namespace TypedSse.Redis;

/// <summary>
/// The Redis backplane could not reach or use Redis, for example while the server restarts. The message says whether
/// the event was published.
/// </summary>
public sealed class RedisBackplaneException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisBackplaneException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
