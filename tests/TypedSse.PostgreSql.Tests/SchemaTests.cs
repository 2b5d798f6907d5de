using Npgsql;
using TypedSse.History;
using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class SchemaTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Instances_that_start_together_create_the_schema_once()
    {
        string schema = TestSchemas.New();

        var instances = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => AppInstance.StartAsync(postgres.ConnectionString, schema, output, $"app{i}")));
        long id = await instances[0].PublishAsync("chat", "1");
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }

        // And again, on an existing schema.
        await using var later = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "later");
        var read = await later.Streams["chat"].ReadHistoryAsync(id - 1);
        Assert.Equal(HistoryReadStatus.Complete, read.Status);
        Assert.Equal([id], read.Events.Select(e => e.Id));

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var versions = new NpgsqlCommand($"SELECT count(*), max(version) FROM \"{schema}\".schema_version", connection);
        await using var reader = await versions.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt64(0));
        Assert.Equal(1, reader.GetInt32(1));
    }

    [Fact]
    public async Task Once_the_schema_exists_a_user_without_create_privileges_can_run_the_app()
    {
        string schema = TestSchemas.New();
        await (await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "owner")).DisposeAsync();
        string role = $"{schema}_app";
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
        {
            await connection.OpenAsync();
            await using var grant = new NpgsqlCommand($"""
                CREATE ROLE "{role}" LOGIN;
                REVOKE CREATE ON DATABASE postgres FROM PUBLIC;
                REVOKE CREATE ON SCHEMA public FROM PUBLIC;
                GRANT USAGE ON SCHEMA "{schema}" TO "{role}";
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO "{role}";
                GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}";
                """, connection);
            await grant.ExecuteNonQueryAsync();
        }
        string asApp = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Username = role }.ConnectionString;

        await using var app = await AppInstance.StartAsync(asApp, schema, output, "app", options => options.PruneInterval = TimeSpan.FromMilliseconds(100));
        await using var client = await app.ConnectAsync("chat");
        long id = await app.PublishAsync("chat", "1");

        await client.WaitForCountAsync(1);
        Assert.Equal(id, client.AppEvents[0].Id);
    }

    [Fact]
    public async Task A_user_who_owns_an_empty_schema_but_cannot_create_schemas_can_set_it_up()
    {
        string schema = TestSchemas.New();
        string role = $"{schema}_owner";
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"""
                CREATE ROLE "{role}" LOGIN;
                CREATE SCHEMA "{schema}" AUTHORIZATION "{role}";
                """, connection);
            await create.ExecuteNonQueryAsync();
        }
        string asOwner = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Username = role }.ConnectionString;

        await using var app = await AppInstance.StartAsync(asOwner, schema, output, "app");
        long id = await app.PublishAsync("chat", "1");

        Assert.Equal([id], (await app.Streams["chat"].ReadHistoryAsync(id - 1)).Events.Select(e => e.Id));
    }
}
