using TypedSse.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.Redis.Tests;

[Collection(RedisCollection.Name)]
public sealed class RedisContractTests(RedisServer redis, ITestOutputHelper output) : BackplaneContractTests(output)
{
    protected override string NewScope() => RedisApps.NewPrefix();

    protected override Task<BackplaneApp> StartAsync(string scope, string name, int? readBatchSize = null, int? historySize = null) =>
        RedisApps.StartAsync(redis, scope, Output, name, options =>
        {
            options.ReadBatchSize = readBatchSize ?? options.ReadBatchSize;
            options.HistorySize = historySize ?? options.HistorySize;
        });
}
