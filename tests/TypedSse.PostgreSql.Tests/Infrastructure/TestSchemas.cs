namespace TypedSse.PostgreSql.Tests.Infrastructure;

public static class TestSchemas
{
    /// <summary>A schema of its own for each test, so tests share the server but not their event logs.</summary>
    public static string New() => $"t_{Guid.NewGuid():N}"[..18];
}
