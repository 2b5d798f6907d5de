using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class OptionsTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Invalid_options_stop_the_app_from_starting_with_a_message_for_each()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => AppInstance.StartAsync(postgres.ConnectionString, "Not-A-Schema", output, "bad", options =>
        {
            options.HistorySize = 0;
            options.HistoryMaxAge = TimeSpan.FromSeconds(-1);
            options.PruneInterval = TimeSpan.Zero;
            options.ReconnectDelay = TimeSpan.Zero;
            options.ReadBatchSize = 0;
        }));

        Assert.Collection(error.Failures,
            f => Assert.StartsWith("SchemaName is \"Not-A-Schema\"; use a lower-case letter", f, StringComparison.Ordinal),
            f => Assert.StartsWith("HistorySize is 0; use a positive count", f, StringComparison.Ordinal),
            f => Assert.StartsWith("HistoryMaxAge is -00:00:01; use a positive age", f, StringComparison.Ordinal),
            f => Assert.StartsWith("PruneInterval is 00:00:00; use a positive interval", f, StringComparison.Ordinal),
            f => Assert.StartsWith("ReconnectDelay is 00:00:00; use a positive delay", f, StringComparison.Ordinal),
            f => Assert.StartsWith("ReadBatchSize is 0; use a positive count", f, StringComparison.Ordinal));
    }

    [Fact]
    public void The_connection_string_is_required()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.AddTypedSse().AddPostgreSqlBackplane(" "));
    }
}
