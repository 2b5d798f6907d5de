namespace TypedSse.History;

/// <summary>
/// Told when this instance's first connection of a stream opens and when its last one closes, so that a backplane
/// can read only the streams this instance serves. Register it as a singleton beside the backplane.
/// </summary>
/// <remarks>
/// Both calls are made in order per stream, under the lock that adds or removes the connection: keep them short and
/// never block (signal a background reader instead). <see cref="StreamOpened"/> comes before the runtime reads the
/// stream's history for the new connection (its start position or its replay), so a backplane that starts reading
/// there and makes those reads wait for its start position delivers every later event to it. When a stream's first
/// connection opens, the runtime forgets the last id it delivered of the stream (a new connection then starts from
/// the history's newest id), so a backplane may forget where it stood with <see cref="StreamClosed"/> and start again
/// from the stream's newest id. An event of its previous reading that it delivers after <see cref="StreamOpened"/>
/// sets that id again, and its new reading must then start from there.
/// </remarks>
public interface IStreamInterest
{
    /// <summary>The first local connection of <paramref name="stream"/> opened (or the first since the last one closed).</summary>
    void StreamOpened(string stream);

    /// <summary>The last local connection of <paramref name="stream"/> closed.</summary>
    void StreamClosed(string stream);
}
