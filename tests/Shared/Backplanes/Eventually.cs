namespace TypedSse.Testing;

/// <summary>Waits on conditions with generous bounds, never on fixed delays.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? patience = null, Func<string>? state = null) =>
        TrueAsync(() => ValueTask.FromResult(condition()), what, patience, state);

    public static async Task TrueAsync(Func<ValueTask<bool>> condition, string what, TimeSpan? patience = null, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? SseClient.Patience);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what} after {patience ?? SseClient.Patience}{(state is null ? "" : $"; {state()}")}.");
            }
            await Task.Delay(20);
        }
    }
}
