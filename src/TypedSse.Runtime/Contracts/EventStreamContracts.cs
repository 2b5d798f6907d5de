namespace TypedSse;

/// <summary>
/// The senders of the app's contracts. Code generated for each <see cref="EventStreamAttribute"/> interface
/// registers its sender here when the assembly loads, which is what makes <see cref="IEventStream{TContract}"/>
/// resolvable without any registration by hand.
/// </summary>
public static class EventStreamContracts
{
    /// <summary>Registers the sender of <typeparamref name="TContract"/>.</summary>
    /// <param name="streamName">The name of the contract's stream.</param>
    /// <param name="createSender">Creates a sender that publishes to a stream for an audience.</param>
    public static void Register<TContract>(string streamName, Func<EventStream, EventAudience, TContract> createSender) where TContract : class
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentNullException.ThrowIfNull(createSender);
        Registration<TContract>.Value = (streamName, createSender);
    }

    internal static (string StreamName, Func<EventStream, EventAudience, TContract> CreateSender) Get<TContract>() where TContract : class =>
        Registration<TContract>.Value ?? throw new InvalidOperationException(
            $"No sender is registered for {typeof(TContract).FullName}. Mark the interface with [EventStream(\"/route\")] in a project " +
            "that references TypedSse, so the TypedSse source generator creates its sender, and check the build for TSSE diagnostics.");

    private static class Registration<TContract> where TContract : class
    {
        public static (string, Func<EventStream, EventAudience, TContract>)? Value;
    }
}
