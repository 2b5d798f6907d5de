using System.Text.Json;
using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

/// <summary>A sign-out on one instance ends the user's streams on every instance.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CloseUserTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Closing_a_user_on_one_instance_ends_its_streams_on_the_other_and_no_later_event_reaches_them()
    {
        string schema = TestSchemas.New();
        await using var a = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "a");
        await using var b = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "b");

        await using var adaOnA = await a.ConnectAsync("chat", user: "ada");
        await using var adaOnB = await b.ConnectAsync("news", user: "ada");
        await using var bobOnB = await b.ConnectAsync("news", user: "bob");
        await a.PublishAsync("news", "before");
        await adaOnB.WaitForAsync(events => events.Any(e => e.Data == "before"), "the event before the sign-out");

        Assert.Equal(1, await a.Streams.CloseUserAsync("ada", "signed-out"));

        foreach (var client in new[] { adaOnA, adaOnB })
        {
            Assert.True(await client.EndsAsync());
            var close = Assert.Single(client.Received, e => e.EventType == "typedsse:close");
            Assert.Equal("signed-out", JsonDocument.Parse(close.Data).RootElement.GetProperty("reason").GetString());
        }
        await a.PublishAsync("news", "after");
        await bobOnB.WaitForAsync(events => events.Any(e => e.Data == "after"), "the event after the sign-out");
        Assert.DoesNotContain(adaOnB.AppEvents, e => e.Data == "after");
        Assert.Equal(0, b.Streams["news"].Connections.Count(c => c.UserId == "ada"));
    }
}
