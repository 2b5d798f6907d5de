namespace TypedSse.Client;

/// <summary>
/// Cancels its token when a response has been silent too long: <see cref="EventStreamClientOptions.HelloTimeout"/>
/// until the hello, then the hello's keep-alive interval × <see cref="EventStreamClientOptions.KeepAliveTimeoutFactor"/>.
/// Every byte read rearms it.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    private readonly CancellationTokenSource _silence;
    private readonly double _factor;

    public Watchdog(TimeProvider time, EventStreamClientOptions options)
    {
        _silence = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _factor = options.KeepAliveTimeoutFactor;
        Limit = options.HelloTimeout == System.Threading.Timeout.InfiniteTimeSpan ? null : options.HelloTimeout;
    }

    public CancellationToken Token => _silence.Token;

    /// <summary>The silence it allows now; null for none.</summary>
    public TimeSpan? Limit { get; private set; }

    public bool Fired => _silence.IsCancellationRequested;

    /// <summary>The hello said its keep-alive interval: from now on the silence allowed is a few of those.</summary>
    public void KeepAlive(TimeSpan? interval)
    {
        Limit = interval * _factor;
        if (Limit is null)
        {
            Disarm();
        }

        Touch();
    }

    public void Touch()
    {
        if (Limit is { } limit)
        {
            try
            {
                _silence.CancelAfter(limit);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose() => _silence.Dispose();

    private void Disarm()
    {
        try
        {
            _silence.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
