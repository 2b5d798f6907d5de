namespace TypedSse.Client;

/// <summary>A connection opened through an <see cref="EventStreamHub"/>, as the hub's request drives it.</summary>
internal interface ISharedSubscription : IAsyncDisposable
{
    /// <summary>The stream's path, relative to the base address.</summary>
    string Path { get; }

    /// <summary>The last event id delivered: the subscription's entry of the next cursor.</summary>
    string? LastEventId { get; }

    void SetState(EventStreamConnectionState state);

    /// <summary>The hello listed the subscription as accepted, starting from the cursor entry <paramref name="from"/>.</summary>
    void Started(string? connectionId, string from);

    /// <summary>One of the subscription's events, its own type and its cursor entry after it.</summary>
    Task HandleAsync(string eventType, string data, string lastEventId);

    void Report(Exception error);

    /// <summary>The hub cannot carry it (its endpoint is not mapped): it runs a request of its own from now on.</summary>
    void RunAlone();

    /// <summary>Ends the subscription: refused (an exception), told to stop (204) or gone with the hub (null).</summary>
    void Complete(Exception? refusal);
}
