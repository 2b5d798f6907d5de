using System.Collections.Concurrent;

namespace TypedSse.Connections;

/// <summary>Every open event-stream response of the app, for keep-alive pings, for closing a user's, and for closing them all on shutdown.</summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<ConnectionOutput, byte> _outputs = new(ReferenceEqualityComparer.Instance);
    private volatile bool _stopping;

    public int Count => _outputs.Count;

    public IEnumerable<ConnectionOutput> Outputs => _outputs.Keys;

    public bool IsStopping => _stopping;

    public void Add(ConnectionOutput output)
    {
        _outputs.TryAdd(output, 0);
        if (_stopping)
        {
            output.Close();
        }
    }

    public void Remove(ConnectionOutput output) => _outputs.TryRemove(output, out _);

    /// <summary>Ends every response that carries a subscription of <paramref name="userId"/>, with a <c>typedsse:close</c>.</summary>
    /// <returns>How many responses were closed.</returns>
    public int CloseUser(string userId, string reason)
    {
        int closed = 0;
        foreach (var output in _outputs.Keys)
        {
            if (output.Users.Contains(userId) && output.CloseWith(reason))
            {
                closed++;
            }
        }
        return closed;
    }

    /// <summary>
    /// Closes every response for shutdown, each with a last <c>retry:</c> drawn uniformly from
    /// [<paramref name="retry"/>, <paramref name="retry"/> + <paramref name="spread"/>], so that the clients of a
    /// restarting server do not all reconnect in the same instant.
    /// </summary>
    public void CloseAll(TimeSpan retry, TimeSpan spread)
    {
        _stopping = true;
        foreach (var output in _outputs.Keys)
        {
            if (spread > TimeSpan.Zero)
            {
                output.CloseWithRetry(retry + spread * Random.Shared.NextDouble());
            }
            else
            {
                output.Close();
            }
        }
    }
}
