namespace TypedSse.Client;

/// <summary>The reconnection delay after consecutive failures: the same rule as the TypeScript client's <c>retryDelay</c>.</summary>
internal static class RetryDelay
{
    /// <summary>Growth starts from at least this, so a server's <c>retry: 0</c> cannot turn an outage into a busy loop.</summary>
    private static readonly TimeSpan MinGrowthBase = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The first reconnection waits exactly <paramref name="retry"/>, as the server asked. Each further consecutive
    /// failure doubles the delay, capped at max(<paramref name="max"/>, <paramref name="retry"/>), with equal jitter:
    /// uniformly between half that and all of it, never below <paramref name="retry"/>.
    /// </summary>
    public static TimeSpan Compute(int failures, TimeSpan retry, TimeSpan max, Func<double> random)
    {
        var baseMs = Math.Max(0, retry.TotalMilliseconds);
        if (failures <= 1)
        {
            return TimeSpan.FromMilliseconds(baseMs);
        }

        var cap = Math.Max(max.TotalMilliseconds, baseMs);
        var exponential = Math.Min(cap, Math.Max(baseMs, MinGrowthBase.TotalMilliseconds) * Math.Pow(2, Math.Min(failures - 1, 30)));
        var jittered = exponential / 2 + random() * (exponential / 2);
        return TimeSpan.FromMilliseconds(Math.Max(baseMs, Math.Round(jittered)));
    }
}
