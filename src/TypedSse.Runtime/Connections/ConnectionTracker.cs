using System.Collections.Concurrent;

namespace TypedSse.Connections;

/// <summary>Every open event-stream response of the app, for keep-alive pings and for closing them all on shutdown.</summary>
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

    public void CloseAll()
    {
        _stopping = true;
        foreach (var output in _outputs.Keys)
        {
            output.Close();
        }
    }
}
