using Microsoft.AspNetCore.Http.Features;
using System.IO.Pipelines;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedSse.Hosting;

namespace TypedSse.Benchmarks.Micro;

/// <summary>
/// Publishing one event to a stream with N subscribers, through <see cref="EventStream.PublishAsync{T}"/> and the real
/// registry, history and connection queues, until every connection's writer has written it (into a pipe that
/// discards). Allocated bytes per operation must not grow with N.
/// </summary>
[MemoryDiagnoser]
public class PublishBenchmarks
{
    private const string StreamName = "bench";

    private ServiceProvider _services = null!;
    private EventStream _stream = null!;
    private EventStreamConnection[] _connections = [];
    private Task[] _writers = [];
    private long _seq;

    [Params(0, 1, 100, 1000)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BenchJsonContext.Default));
        services.AddTypedSse(options => options.MaxQueuedEventsPerConnection = 1024);
        _services = services.BuildServiceProvider();
        var server = _services.GetRequiredService<EventStreamServer>();
        _stream = _services.GetRequiredService<EventStreams>()[StreamName];
        var registry = _services.GetRequiredService<TypedSse.Streams.EventFanOut>()[StreamName];

        _connections = new EventStreamConnection[Subscribers];
        _writers = new Task[Subscribers];
        for (int i = 0; i < Subscribers; i++)
        {
            var context = new DefaultHttpContext();
            context.Features.Set<IHttpResponseBodyFeature>(new DiscardingBody());
            var output = server.CreateOutput(context, [StreamName], multiplexed: false);
            var connection = server.CreateConnection(output, 0, StreamName, userId: null, new HashSet<string>(), []);
            output.SetPosition(0, registry.Add(connection));
            _connections[i] = connection;
            _writers[i] = Task.Run(output.WriteQueuedAsync);
        }
    }

    [Benchmark]
    public async ValueTask<long> PublishAndDeliver()
    {
        long id = await _stream.PublishAsync("tick", new BenchTick(++_seq, 123_456_789, "MSFT", 412.5));
        foreach (var connection in _connections)
        {
            var spin = new SpinWait();
            while (connection.Output.Positions[0] < id)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                Interlocked.MemoryBarrier();
            }
        }
        return id;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var connection in _connections)
        {
            connection.Close();
        }
        Task.WaitAll(_writers);
        _services.Dispose();
    }

    /// <summary>A response body that accepts every write and discards it.</summary>
    internal sealed class DiscardingPipeWriter : PipeWriter
    {
        private readonly byte[] _buffer = new byte[64 * 1024];

        public override void Advance(int bytes)
        {
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => sizeHint <= _buffer.Length ? _buffer : new byte[sizeHint];

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => new(new FlushResult(false, false));

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }
}

/// <summary>A response body that discards what is written, so the benchmark measures publishing and queueing only.</summary>
internal sealed class DiscardingBody : IHttpResponseBodyFeature
{
    public Stream Stream => Stream.Null;

    public PipeWriter Writer { get; } = new PublishBenchmarks.DiscardingPipeWriter();

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task CompleteAsync() => Task.CompletedTask;
}
