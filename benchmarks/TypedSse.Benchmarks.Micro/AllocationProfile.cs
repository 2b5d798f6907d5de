using System.Diagnostics.Tracing;

namespace TypedSse.Benchmarks.Micro;

/// <summary>
/// What allocates while events are published to many subscribers: the runtime's allocation-tick events (one per
/// ~100 KB allocated, naming the type that crossed the threshold), grouped by type. Run with <c>--allocations</c>.
/// </summary>
internal static class AllocationProfile
{
    public static async Task RunAsync(int subscribers, int events)
    {
        var benchmark = new PublishBenchmarks { Subscribers = subscribers };
        benchmark.Setup();
        for (int i = 0; i < 10_000; i++)
        {
            await benchmark.PublishAndDeliver();
        }

        using var listener = new AllocationListener();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < events; i++)
        {
            await benchmark.PublishAndDeliver();
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        benchmark.Cleanup();

        Console.WriteLine($"{subscribers} subscribers, {events:N0} events: {allocated / (double)events:F1} B per event (whole process)");
        foreach (var (type, ticks) in listener.Ticks.OrderByDescending(t => t.Value))
        {
            Console.WriteLine($"  {ticks,6} ticks  {type}");
        }
    }

    private sealed class AllocationListener : EventListener
    {
        public Dictionary<string, int> Ticks { get; } = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.PayloadNames is { } names)
            {
                string type = e.Payload![names.IndexOf("TypeName")] as string ?? "?";
                lock (Ticks)
                {
                    Ticks[type] = Ticks.GetValueOrDefault(type) + 1;
                }
            }
        }
    }
}
