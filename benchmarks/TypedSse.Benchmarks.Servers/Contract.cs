namespace TypedSse.Benchmarks.Servers;

/// <summary>The benchmark's stream contract, as an application declares it.</summary>
[EventStream("/bench")]
public interface IBenchEvents
{
    Task Tick(BenchTick tick);
}
