namespace TypedSse.PostgreSql.Schema;

/// <summary>
/// The payload of the notification a publish sends: <c>stream:</c> and the stream's name, so that an instance that
/// does not serve the stream reads nothing. A name too long for a notification is sent as an empty payload, which (as
/// any payload without the prefix, such as the id an earlier version sends) makes every instance read all it serves.
/// </summary>
internal static class NewEventNotice
{
    public const string Prefix = "stream:";

    /// <summary>The longest stream name, in UTF-8 bytes, that a notification names; PostgreSQL's limit is 8,000 bytes.</summary>
    public const int MaxStreamBytes = 7_000;

    public static bool TryParse(string payload, out string stream)
    {
        if (payload.StartsWith(Prefix, StringComparison.Ordinal))
        {
            stream = payload[Prefix.Length..];
            return true;
        }
        stream = "";
        return false;
    }
}
