using System.ComponentModel;

namespace TypedSse;

/// <summary>
/// What every generated sender needs, kept here once instead of in each generated file. Called by generated code;
/// not meant to be called by an app.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SenderSupport
{
    /// <summary>The publish as the <see cref="Task"/> an event method returns; a completed publish allocates nothing.</summary>
    /// <param name="publish">The pending publish, whose result (the event's sequence number) the event method does not return.</param>
    public static Task AsTask(ValueTask<long> publish)
    {
        if (publish.IsCompletedSuccessfully)
        {
            _ = publish.Result;
            return Task.CompletedTask;
        }

        return publish.AsTask();
    }

    /// <summary>The publish as the <see cref="ValueTask"/> an event method returns; a completed publish allocates nothing.</summary>
    /// <param name="publish">The pending publish, whose result (the event's sequence number) the event method does not return.</param>
    public static ValueTask AsValueTask(ValueTask<long> publish)
    {
        if (publish.IsCompletedSuccessfully)
        {
            _ = publish.Result;
            return default;
        }

        return new ValueTask(publish.AsTask());
    }
}
