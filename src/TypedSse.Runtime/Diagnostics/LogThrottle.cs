namespace TypedSse.Diagnostics;

/// <summary>
/// Lets the first of a kind of log entry through per interval and counts the ones it holds back, so input that a
/// client can repeat on every request cannot fill the logs. The clock is the app's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private long _nextAllowed = long.MinValue;
    private long _heldBack;

    public TimeSpan Interval => interval;

    /// <summary>Whether to log this one; if so, <paramref name="heldBack"/> is how many were not logged since the last.</summary>
    public bool ShouldLog(out long heldBack)
    {
        long now = time.GetTimestamp();
        lock (_gate)
        {
            if (now < _nextAllowed)
            {
                _heldBack++;
                heldBack = 0;
                return false;
            }
            _nextAllowed = now + (long)(interval.TotalSeconds * time.TimestampFrequency);
            heldBack = _heldBack;
            _heldBack = 0;
            return true;
        }
    }
}
