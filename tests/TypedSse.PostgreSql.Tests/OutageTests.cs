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
        // Both wait a while before reconnecting, so what is published right after the restart most likely commits
        // while neither listens (it reaches them through their catch-up reads), and a's first publish meets the pooled
        // connections that died with the old server. Either way nothing may be lost.
        Action<PostgreSqlBackplaneOptions> slowToReconnect = options => options.ReconnectDelay = TimeSpan.FromSeconds(2);
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a", slowToReconnect);
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b", slowToReconnect);
        using var metricsOfB = new MetricsRecorder(b.MeterFactory, "TypedSse.PostgreSql");
        await using var onA = await a.ConnectAsync("chat");
        await using var onB = await b.ConnectAsync("chat");

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

        // A client that reconnects right after the restart is replayed, though b's pool still holds dead connections.
        await using var reconnected = await b.ConnectAsync("chat", lastEventId: published[9]);
        await reconnected.WaitForCountAsync(10);

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
        await reconnected.WaitForCountAsync(40);
        Assert.Equal(published[10..], reconnected.AppEvents.Select(e => e.Id!.Value));
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
