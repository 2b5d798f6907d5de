#pragma warning disable CA2255 // The module initializer registers the contract's sender, as generated code does.
namespace TypedSse.Benchmarks.Servers;

// A stand-in, written by hand, for what the TypedSse source generator emits for IBenchEvents (same shape as its
// golden files). Delete this file once the generator is on main and this project references it as an analyzer.

/// <summary>Maps the <c>Bench</c> event stream declared by <see cref="IBenchEvents"/>.</summary>
public static class BenchEventsExtensions
{
    public const string Pattern = "/bench";

    public const string StreamName = "Bench";

    public static IEndpointConventionBuilder MapBenchEvents(this IEndpointRouteBuilder endpoints, string? pattern = null,
        Action<EventStreamEndpointOptions>? configure = null) =>
        endpoints.MapEventStream(pattern ?? Pattern, StreamName, configure);

    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterSender() =>
        EventStreamContracts.Register<IBenchEvents>(StreamName, static (stream, audience) => new BenchEventsSender(stream, audience));
}

file sealed class BenchEventsSender(EventStream stream, EventAudience audience) : IBenchEvents
{
    Task IBenchEvents.Tick(BenchTick tick)
    {
        var publish = stream.PublishAsync("tick", tick, audience);
        if (publish.IsCompletedSuccessfully)
        {
            _ = publish.Result;
            return Task.CompletedTask;
        }
        return publish.AsTask();
    }
}
