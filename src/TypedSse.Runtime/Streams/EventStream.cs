using System.Text.Json;
using TypedSse.Connections;
using TypedSse.Diagnostics;
using TypedSse.Framing;
using TypedSse.History;

namespace TypedSse;

/// <summary>
/// A named stream: the connections mapped to it and the events published to them. Each event is serialized and
/// framed once, recorded in the history, and its bytes are shared by every recipient.
/// </summary>
/// <remarks>Get one from <see cref="EventStreams"/>; streams are created on first use.</remarks>
public sealed class EventStream
{
    private readonly ConnectionRegistry _connections;
    private readonly IEventBackplane _backplane;
    private readonly IEventHistory _history;
    private readonly TypedSseMetrics _metrics;

    internal EventStream(string name, ConnectionRegistry connections, IEventBackplane backplane, IEventHistory history,
        JsonSerializerOptions serializerOptions, TypedSseMetrics metrics)
    {
        Name = name;
        _connections = connections;
        _backplane = backplane;
        _history = history;
        SerializerOptions = serializerOptions;
        _metrics = metrics;
    }

    /// <summary>The stream's name.</summary>
    public string Name { get; }

    /// <summary>How many clients of this instance are connected to the stream.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>The clients of this instance connected to the stream, as of now.</summary>
    public IReadOnlyList<EventStreamConnection> Connections => _connections.Snapshot;

    /// <summary>The options payloads are serialized with.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>Finds a connection of this instance by id.</summary>
    public EventStreamConnection? FindConnection(string connectionId) => _connections.Find(connectionId);

    /// <summary>Publishes <paramref name="data"/> as JSON, serialized once with <see cref="SerializerOptions"/>.</summary>
    /// <param name="eventName">The <c>event:</c> field, or null for the default <c>message</c> type.</param>
    /// <param name="data">The payload.</param>
    /// <param name="audience">Who receives it; everyone by default.</param>
    /// <param name="cancellationToken">Cancels a publish that waits on the backplane.</param>
    /// <returns>The id of the event.</returns>
    /// <exception cref="ArgumentException">The event name contains CR or LF.</exception>
    public ValueTask<long> PublishAsync<T>(string? eventName, T data, EventAudience audience = default, CancellationToken cancellationToken = default)
    {
        EventFields.ThrowIfInvalidEventName(eventName, nameof(eventName));
        return PublishCoreAsync(eventName, PayloadEncoder.Encode(data, SerializerOptions), audience, cancellationToken);
    }

    /// <summary>Publishes a JSON payload written by <paramref name="writePayload"/>.</summary>
    /// <param name="eventName">The <c>event:</c> field, or null for the default <c>message</c> type.</param>
    /// <param name="state">Passed to <paramref name="writePayload"/>.</param>
    /// <param name="writePayload">Writes exactly one JSON value.</param>
    /// <param name="audience">Who receives it; everyone by default.</param>
    /// <param name="cancellationToken">Cancels a publish that waits on the backplane.</param>
    /// <returns>The id of the event.</returns>
    /// <exception cref="ArgumentException">The event name contains CR or LF.</exception>
    public ValueTask<long> PublishAsync<TState>(string? eventName, TState state, JsonPayloadWriter<TState> writePayload,
        EventAudience audience = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writePayload);
        EventFields.ThrowIfInvalidEventName(eventName, nameof(eventName));
        return PublishCoreAsync(eventName, PayloadEncoder.Encode(state, writePayload, SerializerOptions), audience, cancellationToken);
    }

    /// <summary>
    /// Publishes <paramref name="text"/> as it is, in UTF-8 (a lone surrogate, which has no UTF-8 form, is sent as
    /// U+FFFD), one <c>data:</c> line per line. An empty text sends an event whose
    /// data is the empty string.
    /// </summary>
    /// <returns>The id of the event.</returns>
    /// <exception cref="ArgumentException">The event name contains CR or LF.</exception>
    public ValueTask<long> PublishTextAsync(string? eventName, string text, EventAudience audience = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        EventFields.ThrowIfInvalidEventName(eventName, nameof(eventName));
        return PublishCoreAsync(eventName, PayloadEncoder.Encode(text), audience, cancellationToken);
    }

    /// <summary>Reads the retained events after <paramref name="lastEventId"/>, as a reconnecting client would get them.</summary>
    public ValueTask<HistoryRead> ReadHistoryAsync(long lastEventId, CancellationToken cancellationToken = default) =>
        _history.ReadAfterAsync(Name, lastEventId, cancellationToken);

    /// <summary>
    /// Reads the stream's position: the id of its newest event (before the first, where its ids start), as a client
    /// sends it to read what comes after. The history answers, so every instance of the app agrees.
    /// </summary>
    public async ValueTask<string> ReadPositionAsync(CancellationToken cancellationToken = default) =>
        (await _history.ReadLatestEventIdAsync(Name, cancellationToken).ConfigureAwait(false))
        .ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Takes a snapshot of the application's state that a client can follow with this stream: reads the position
    /// first, then the state, so no event after the position is missing from what the client applies. An event
    /// published while the state was read can be both in the state and after the position: apply events by key (a
    /// message by its id, a member by name), so applying one twice changes nothing.
    /// </summary>
    /// <param name="readState">Reads the state; called once, after the position was read.</param>
    /// <param name="cancellationToken">Cancels reading the position.</param>
    /// <example>
    /// <code>
    /// app.MapGet("/api/rooms", (IEventStream&lt;ILobbyEvents&gt; lobby, ChatRooms rooms) =&gt; lobby.Stream.SnapshotAsync(rooms.List));
    /// </code>
    /// </example>
    public async ValueTask<EventSnapshot<T>> SnapshotAsync<T>(Func<T> readState, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readState);
        string position = await ReadPositionAsync(cancellationToken).ConfigureAwait(false);
        return new EventSnapshot<T>(position, readState());
    }

    /// <summary>Takes a snapshot whose state is read asynchronously, for example from a database; see <see cref="SnapshotAsync{T}(Func{T}, CancellationToken)"/>.</summary>
    /// <param name="readState">Reads the state; called once, after the position was read, with <paramref name="cancellationToken"/>.</param>
    /// <param name="cancellationToken">Cancels reading the position and the state.</param>
    public async ValueTask<EventSnapshot<T>> SnapshotAsync<T>(Func<CancellationToken, ValueTask<T>> readState, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readState);
        string position = await ReadPositionAsync(cancellationToken).ConfigureAwait(false);
        return new EventSnapshot<T>(position, await readState(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Closes a connection of this instance; its client reconnects. Returns false if there is no such connection.</summary>
    public bool CloseConnection(string connectionId)
    {
        var connection = _connections.Find(connectionId);
        connection?.Close();
        return connection is not null;
    }

    private ValueTask<long> PublishCoreAsync(string? eventName, byte[] data, EventAudience audience, CancellationToken cancellationToken)
    {
        var publish = _backplane.PublishAsync(EventDraft.FromChecked(Name, eventName, data, audience), cancellationToken);
        if (publish.IsCompletedSuccessfully)
        {
            _metrics.EventPublished(Name);
            return publish;
        }
        return AwaitPublishedAsync(publish);
    }

    private async ValueTask<long> AwaitPublishedAsync(ValueTask<long> publish)
    {
        long id = await publish.ConfigureAwait(false);
        _metrics.EventPublished(Name);
        return id;
    }
}
