using System.Diagnostics;

namespace TypedSse.Benchmarks.Servers;

/// <summary>
/// CLOCK_MONOTONIC in microseconds: the clock behind <see cref="Stopwatch"/> on Linux, and behind Node's
/// <c>process.hrtime</c>, so every process on the machine reads the same time.
/// </summary>
public static class MonotonicClock
{
    private static readonly long TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000;

    public static long NowMicroseconds => Stopwatch.GetTimestamp() / TicksPerMicrosecond;
}
