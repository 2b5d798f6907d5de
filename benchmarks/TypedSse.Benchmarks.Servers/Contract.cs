namespace TypedSse.Benchmarks.Servers;

/// <summary>
/// The benchmark's stream contract, as an application declares it. The TypedSse source generator turns it into
/// <c>MapBenchEvents()</c> and the sender behind <c>IEventStream&lt;IBenchEvents&gt;</c>.
/// </summary>
[EventStream("/bench")]
public interface IBenchEvents
{
    Task Tick(BenchTick tick);
}
