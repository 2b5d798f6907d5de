namespace TypedSse.Client.Tests.Infrastructure;

/// <summary>
/// Breaks each event-stream response after a number of reads, as a dropped network connection does: the next read
/// throws <see cref="IOException"/>. The real socket below is then closed.
/// </summary>
public sealed class CuttingHandler(Func<int> readsBeforeCut) : DelegatingHandler(new SocketsHttpHandler())
{
    public int Cuts;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            var inner = await response.Content.ReadAsStreamAsync(cancellationToken);
            var content = new StreamContent(new CutStream(inner, readsBeforeCut(), () => Interlocked.Increment(ref Cuts)));
            foreach (var header in response.Content.Headers)
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            response.Content = content;
        }
        return response;
    }

    private sealed class CutStream(Stream inner, int reads, Action onCut) : Stream
    {
        private int _left = reads;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left-- <= 0)
            {
                onCut();
                inner.Dispose();
                throw new IOException("The test cut the connection.");
            }
            return await inner.ReadAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
