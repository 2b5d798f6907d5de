using System.Net;
using Microsoft.AspNetCore.Builder;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

/// <summary>Sign-out and revocation: one call ends every stream of a user, and only that user's.</summary>
public class CloseUserTests
{
    private static Task<StreamHost> StartAsync() => StreamHost.StartAsync(
        app =>
        {
            HeaderUser.Use(app);
            app.MapEventStream("/inbox/events", "inbox").RequireAuthorization();
            app.MapEventStream("/news/events", "news");
            app.MapEventStream("/handler/events", async (response, ct) =>
            {
                await response.SendAsync("started", 1, cancellationToken: ct);
                await Task.Delay(Timeout.Infinite, ct);
            });
            app.MapEventStreams();
        },
        build: HeaderUser.Add);

    [Fact]
    public async Task Closing_a_user_ends_each_of_its_streams_with_the_reason_and_leaves_other_users_alone()
    {
        await using var host = await StartAsync();
        await using var single = await host.ConnectAsync("/inbox/events", configure: HeaderUser.As("ada"));
        await using var multiplexed = await host.ConnectAsync(Multiplexed.Path("/inbox/events", "/news/events"), configure: HeaderUser.As("ada"));
        await using var handler = await host.ConnectAsync("/handler/events", configure: HeaderUser.As("ada"));
        await using var bob = await host.ConnectAsync("/inbox/events", configure: HeaderUser.As("bob"));
        foreach (var client in new[] { single, multiplexed, handler, bob })
        {
            await client.ReadHelloAsync();
        }
        Assert.Equal("1", (await handler.NextAsync()).Data);

        Assert.Equal(3, await host.Streams.CloseUserAsync("ada", "signed-out"));
        await host.Streams["inbox"].PublishAsync("note", "after sign-out", EventAudience.ForUser("ada"));
        await host.Streams["inbox"].PublishAsync("note", "for bob", EventAudience.ForUser("bob"));

        foreach (var client in new[] { single, multiplexed, handler })
        {
            var close = await client.NextAsync();
            Assert.Equal(("typedsse:close", "signed-out"), (close.EventType, CredentialExpiryTests.Reason(close)));
            Assert.True(await client.EndsAsync());
            Assert.DoesNotContain(client.Received, e => e.Data.Contains("after sign-out"));
        }
        Assert.Equal("\"for bob\"", (await bob.NextAsync()).Data);
        Assert.Equal(1, host.Streams.ConnectionCount);
    }

    [Fact]
    public async Task A_signed_out_user_that_reconnects_without_credentials_is_refused()
    {
        await using var host = await StartAsync();
        await using var client = await host.ConnectAsync("/inbox/events", configure: HeaderUser.As("ada"));
        await client.ReadHelloAsync();
        await host.Streams.CloseUserAsync("ada", "signed-out");
        Assert.True(await client.EndsAsync());

        await using var again = await host.ConnectAsync("/inbox/events", client.LastEventId);
        Assert.Equal(HttpStatusCode.Unauthorized, again.Response.StatusCode);
    }

    [Fact]
    public async Task One_connection_can_be_closed_with_a_reason()
    {
        await using var host = await StartAsync();
        await using var first = await host.ConnectAsync("/news/events");
        await using var second = await host.ConnectAsync("/news/events");
        await first.ReadHelloAsync();
        await second.ReadHelloAsync();

        Assert.True(host.Streams["news"].FindConnection(first.ConnectionId)!.Close("moved"));
        var close = await first.NextAsync();
        Assert.Equal(("typedsse:close", "moved"), (close.EventType, CredentialExpiryTests.Reason(close)));
        Assert.True(await first.EndsAsync());
        await host.Streams["news"].PublishAsync("headline", 1);
        Assert.Equal("1", (await second.NextAsync()).Data);
    }

    [Theory]
    [InlineData("")]
    [InlineData("line\nbreak")]
    public async Task A_bad_reason_is_refused_naming_it(string reason)
    {
        await using var host = await StartAsync();
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await host.Streams.CloseUserAsync("ada", reason));
        Assert.Equal("reason", error.ParamName);
    }
}
