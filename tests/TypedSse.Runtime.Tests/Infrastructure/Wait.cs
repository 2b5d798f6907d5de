namespace TypedSse.Runtime.Tests.Infrastructure;

/// <summary>Generous bounds for conditions on a loaded 2-core machine. Tests wait on conditions, never on time.</summary>
public static class Wait
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    public static async Task UntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Long);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {because}.");
            }
            await Task.Delay(10);
        }
    }
}
