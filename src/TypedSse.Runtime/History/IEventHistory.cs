namespace TypedSse.History;

/// <summary>The retained events of each stream, read to replay what a reconnecting client missed.</summary>
public interface IEventHistory
{
    /// <summary>Reads the events of <paramref name="stream"/> published after <paramref name="lastEventId"/>, in id order.</summary>
    /// <param name="stream">The stream's name.</param>
    /// <param name="lastEventId">The last id the client saw.</param>
    /// <param name="cancellationToken">Canceled when the client goes away.</param>
    ValueTask<HistoryRead> ReadAfterAsync(string stream, long lastEventId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the newest id of <paramref name="stream"/>: where a new connection starts when this instance has
    /// delivered nothing of the stream yet. The default reads past the end with <see cref="ReadAfterAsync"/>.
    /// </summary>
    async ValueTask<long> ReadLatestEventIdAsync(string stream, CancellationToken cancellationToken) =>
        (await ReadAfterAsync(stream, long.MaxValue, cancellationToken).ConfigureAwait(false)).LatestEventId;
}

/// <summary>Whether a history read could replay what the client missed.</summary>
public enum HistoryReadStatus
{
    /// <summary>Every event after the id is included.</summary>
    Complete,

    /// <summary>Some events after the id are no longer retained; the client must resync.</summary>
    Gap,

    /// <summary>The id is not one this history issued (from before a restart, or newer than the newest event).</summary>
    UnknownId,
}

/// <summary>The result of <see cref="IEventHistory.ReadAfterAsync"/>.</summary>
/// <param name="Status">Whether the events are complete.</param>
/// <param name="Events">The events after the id, in id order; empty unless <paramref name="Status"/> is <see cref="HistoryReadStatus.Complete"/>.</param>
/// <param name="LatestEventId">The newest id of the stream when it was read; every later event is delivered live.</param>
public readonly record struct HistoryRead(HistoryReadStatus Status, IReadOnlyList<StreamEvent> Events, long LatestEventId)
{
    /// <summary>
    /// The events after <see cref="Events"/> up to <see cref="LatestEventId"/>, read in batches as they are enumerated,
    /// so that a long replay is never held in memory whole; null when <see cref="Events"/> holds them all. The
    /// enumeration throws if the history can no longer complete the replay (events pruned meanwhile): the response
    /// then ends, and the client reconnects from the last id it got.
    /// </summary>
    public IAsyncEnumerable<StreamEvent>? More { get; init; }
}
