namespace TypedSse.History;

/// <summary>
/// Carries published events to the connections of every app instance. The default keeps everything in this
/// process; a backplane such as PostgreSQL replaces it to serve several instances.
/// </summary>
/// <remarks>
/// An implementation assigns each event the next id of its stream, records it in the history that
/// <see cref="IEventHistory"/> reads, and then hands it to the <see cref="IEventSink"/> of every instance, this one
/// included, in id order per stream. Delivery in id order is what lets a connection skip the live events that its
/// replay already covered.
/// </remarks>
public interface IEventBackplane
{
    /// <summary>Publishes an event and returns the id it was given.</summary>
    /// <exception cref="NotSupportedException">The audience cannot be carried by this backplane, such as a predicate across instances.</exception>
    ValueTask<long> PublishAsync(EventDraft draft, CancellationToken cancellationToken);

    /// <summary>
    /// Carries a sign-out to the other instances: each calls <see cref="IEventSink.CloseUser"/> on its own sink
    /// (calling it again on this one is harmless: its connections are closed already). The default, for a single
    /// instance, does nothing: <c>EventStreams.CloseUserAsync</c> closes this instance's connections itself.
    /// </summary>
    ValueTask CloseUserAsync(string userId, string reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
