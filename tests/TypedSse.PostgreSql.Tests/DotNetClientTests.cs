using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using TypedSse.Client;
using TypedSse.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests;

/// <summary>The chat stream of <see cref="AppInstance"/>, as a contract: what the typed .NET client receives.</summary>
[EventStream("/chat", Name = "chat")]
public interface IChatStream
{
    /// <summary>The <c>n</c> events the tests publish, whose data is a number.</summary>
    Task N(int value);
}

/// <summary>The typed .NET client against PostgreSQL-backed instances: a restart moves it on with nothing lost.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DotNetClientTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_follows_a_restart_onto_the_next_instance_and_gets_exactly_what_it_missed()
    {
        string schema = TestSchemas.New();
        var first = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "first");
        await using var other = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "other");
        AppInstance? restarted = null;
        bool firstStopped = false;
        var time = new FakeTimeProvider();
        var errors = new ConcurrentQueue<Exception>();
        using var http = new HttpClient { BaseAddress = first.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var client = new EventStreamClient(http, new EventStreamClientOptions { TimeProvider = time, OnError = errors.Enqueue, Random = static () => 0.5 });
        try
        {
            await using var chat = client.ConnectChatStream();
            await Eventually.TrueAsync(() => chat.State == EventStreamConnectionState.Open && first.Streams["chat"].ConnectionCount == 1, "the client to be on the first instance");
            using var reading = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await using var events = chat.ReadAllAsync(reading.Token).GetAsyncEnumerator();
            var seen = new List<ChatStream>();

            for (int i = 1; i <= 5; i++)
            {
                await (i % 2 == 0 ? other : first).PublishAsync("chat", $"{i}");
            }
            await ReadAsync(5);

            // The first instance goes; the other goes on publishing while nothing listens on the first's port.
            int port = first.BaseAddress.Port;
            firstStopped = true;
            await first.DisposeAsync();
            for (int i = 6; i <= 10; i++)
            {
                await other.PublishAsync("chat", $"{i}");
            }

            restarted = await AppInstance.StartAsync(postgres.ConnectionString, schema, output, "restarted", port: port);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!(chat.State == EventStreamConnectionState.Open && restarted.Streams["chat"].ConnectionCount == 1))
            {
                Assert.True(DateTime.UtcNow < deadline, "The client did not reconnect to the restarted instance.");
                if (chat.State == EventStreamConnectionState.WaitingToReconnect)
                {
                    time.Advance(TimeSpan.FromMinutes(1));
                }
                await Task.Delay(10);
            }

            await ReadAsync(10);
            await other.PublishAsync("chat", "11"); // live, through the backplane
            await ReadAsync(11);

            Assert.Equal(Enumerable.Range(1, 11).Select(static n => new ChatStream.N(n)), seen);
            Assert.DoesNotContain(errors, static e => e is EventStreamEventException);

            async Task ReadAsync(int count)
            {
                while (seen.Count < count)
                {
                    Assert.True(await events.MoveNextAsync(), "The connection ended.");
                    seen.Add(events.Current);
                }
            }
        }
        finally
        {
            if (!firstStopped)
            {
                await first.DisposeAsync();
            }
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }
}
