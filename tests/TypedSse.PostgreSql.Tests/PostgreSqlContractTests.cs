using Microsoft.Extensions.DependencyInjection;
using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlContractTests(PostgresServer postgres, ITestOutputHelper output) : BackplaneContractTests(output)
{
    protected override string NewScope() => TestSchemas.New();

    protected override Task<BackplaneApp> StartAsync(string scope, string name, int? readBatchSize = null, int? historySize = null) =>
        BackplaneApp.StartAsync(typedSse => typedSse.AddPostgreSqlBackplane(postgres.ConnectionString, options =>
        {
            options.SchemaName = scope;
            options.ReconnectDelay = TimeSpan.FromMilliseconds(250);
            options.ReadBatchSize = readBatchSize ?? options.ReadBatchSize;
            if (historySize is not null)
            {
                options.HistorySize = historySize;
                options.PruneInterval = TimeSpan.FromMilliseconds(100);
            }
        }), Output, name);
}
