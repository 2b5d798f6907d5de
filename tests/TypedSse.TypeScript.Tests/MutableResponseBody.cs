using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace TypedSse.TypeScript.TestServer;

/// <summary>A response body that can be muted: from then on, everything written is dropped, pings included.</summary>
internal sealed class MutableResponseBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private MutableWriter? _writer;

    public bool IsMuted { get; private set; }

    public Stream Stream => inner.Stream;

    public PipeWriter Writer => _writer ??= new MutableWriter(inner.Writer, this);

    public void Mute() => IsMuted = true;

    public Task CompleteAsync() => inner.CompleteAsync();

    public void DisableBuffering() => inner.DisableBuffering();

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    private sealed class MutableWriter(PipeWriter inner, MutableResponseBody body) : PipeWriter
    {
        private byte[] _scratch = new byte[4096];
        private bool _toScratch;

        public override void Advance(int bytes)
        {
            if (_toScratch)
            {
                _toScratch = false;
                return;
            }

            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (body.IsMuted)
            {
                _toScratch = true;
                if (_scratch.Length < sizeHint)
                {
                    _scratch = new byte[sizeHint];
                }

                return _scratch;
            }

            return inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
            body.IsMuted ? new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false)) : inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
