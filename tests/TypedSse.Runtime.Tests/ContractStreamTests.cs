using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class ContractStreamTests
{
    public interface IGreetings
    {
        ValueTask Greeted(string name);
    }

    public interface IUnregistered;

    private sealed class GreetingsSender(EventStream stream, EventAudience audience) : IGreetings
    {
        public async ValueTask Greeted(string name) => await stream.PublishAsync("greeted", name, audience);
    }

    [Fact]
    public async Task A_registered_contract_is_resolvable_as_a_typed_stream_and_targets_audiences()
    {
        EventStreamContracts.Register<IGreetings>("greetings", (stream, audience) => new GreetingsSender(stream, audience));
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/rooms/{room}/greetings", "greetings"));
        await using var lobby = await host.ConnectAsync("/rooms/lobby/greetings");
        await using var other = await host.ConnectAsync("/rooms/other/greetings");
        await lobby.ReadHelloAsync();
        await other.ReadHelloAsync();

        var greetings = host.Services.GetRequiredService<IEventStream<IGreetings>>();
        Assert.Equal(2, greetings.Stream.ConnectionCount);
        await greetings.Topic(RouteTopic.Format("room", "lobby")).Greeted("lobby only");
        await greetings.All.Greeted("everyone");

        Assert.Equal(["\"lobby only\"", "\"everyone\""], (await lobby.TakeAsync(2)).Select(e => e.Data));
        Assert.Equal(["\"everyone\""], (await other.TakeAsync(1)).Select(e => e.Data));
    }

    [Fact]
    public async Task An_unregistered_contract_says_how_to_get_a_sender()
    {
        await using var host = await StreamHost.StartAsync(_ => { });
        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IEventStream<IUnregistered>>());
        Assert.Contains("[EventStream(", error.Message);
    }
}
