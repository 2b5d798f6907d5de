// The native publish and the 10,000 streams each load the whole machine; one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
