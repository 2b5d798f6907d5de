namespace TypedSse.Benchmarks.Load;

/// <summary>
/// Latencies in microseconds: exact below 2,048 µs, then 1,024 buckets per power of two (0.1 % resolution). Each
/// thread records into its own counts, so the receive loops never contend; read it once recording has stopped.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int ExactBelow = 2048;
    private const int SubBits = 10;
    private const int Buckets = ExactBelow + ((63 - 11) << SubBits);

    [ThreadStatic] private static (LatencyHistogram Owner, long[] Counts)? t_local;

    private readonly List<long[]> _perThread = [];

    public void Record(long microseconds)
    {
        var local = t_local;
        if (local is not { } l || !ReferenceEquals(l.Owner, this))
        {
            var counts = new long[Buckets];
            lock (_perThread)
            {
                _perThread.Add(counts);
            }
            t_local = local = (this, counts);
        }
        local.Value.Counts[Bucket(Math.Max(0, microseconds))]++;
    }

    public LatencySummary Summarize()
    {
        var total = new long[Buckets];
        lock (_perThread)
        {
            foreach (var counts in _perThread)
            {
                for (int i = 0; i < Buckets; i++)
                {
                    total[i] += counts[i];
                }
            }
        }
        long count = total.Sum();
        return new LatencySummary(count, Percentile(total, count, 0.50), Percentile(total, count, 0.99), Percentile(total, count, 0.999), Percentile(total, count, 1.0));
    }

    private static double Percentile(long[] counts, long total, double quantile)
    {
        if (total == 0)
        {
            return double.NaN;
        }
        long rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return LowerBound(i);
            }
        }
        return LowerBound(counts.Length - 1);
    }

    private static int Bucket(long value)
    {
        if (value < ExactBelow)
        {
            return (int)value;
        }
        int exponent = 63 - (int)long.LeadingZeroCount(value);
        int sub = (int)((value >> (exponent - SubBits)) & ((1 << SubBits) - 1));
        return ExactBelow + ((exponent - 11) << SubBits) + sub;
    }

    private static long LowerBound(int bucket)
    {
        if (bucket < ExactBelow)
        {
            return bucket;
        }
        int exponent = ((bucket - ExactBelow) >> SubBits) + 11;
        long sub = (bucket - ExactBelow) & ((1 << SubBits) - 1);
        return (1L << exponent) + (sub << (exponent - SubBits));
    }
}

/// <summary>Percentiles in microseconds.</summary>
internal readonly record struct LatencySummary(long Count, double P50, double P99, double P999, double Max);
