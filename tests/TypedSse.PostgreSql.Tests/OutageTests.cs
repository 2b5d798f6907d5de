using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class OutageTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_database_restart_mid_stream_loses_nothing()
    {
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a");
        // b waits longer before reconnecting, so what a publishes right after the restart is likely committed while
        // b is not listening and reaches b through its catch-up read. Either way nothing may be lost.
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b",
            options => options.ReconnectDelay = TimeSpan.FromSeconds(2));
        using var metricsOfB = new MetricsRecorder(b);
        await using var onA = await SseClient.ConnectAsync(a, "chat");
        await using var onB = await SseClient.ConnectAsync(b, "chat");

        var published = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            published.Add(await a.PublishAsync("chat", $"{i}"));
        }
        await onB.WaitForCountAsync(20);

        await postgres.StopAsync();
        try
        {
            var error = await Assert.ThrowsAsync<PostgreSqlBackplaneException>(async () => await a.PublishAsync("chat", "during the outage"));
            Assert.Contains("was not published", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await postgres.StartAsync();
        }

        for (int i = 20; i < 40; i++)
        {
            published.Add(await a.PublishAsync("chat", $"{i}"));
        }
        for (int i = 40; i < 50; i++)
        {
            published.Add(await b.PublishAsync("chat", $"{i}"));
        }

        await onA.WaitForCountAsync(50);
        await onB.WaitForCountAsync(50);
        foreach (var client in new[] { onA, onB })
        {
            Assert.Equal(published, client.AppEvents.Select(e => e.Id!.Value));
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"{i}"), client.AppEvents.Select(e => e.Data));
        }
        Assert.True(metricsOfB.Sum("typedsse.postgresql.reconnects") >= 1);
        Assert.True(metricsOfB.Sum("typedsse.postgresql.catch_up.reads") >= 1);
    }

    [Fact]
    public async Task An_instance_does_not_start_without_its_database()
    {
        string unreachable = new Npgsql.NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;

        var error = await Assert.ThrowsAsync<PostgreSqlBackplaneException>(() => AppInstance.StartAsync(unreachable, TestSchemas.New(), output));
        Assert.Contains("could not start", error.Message, StringComparison.Ordinal);
    }
}
