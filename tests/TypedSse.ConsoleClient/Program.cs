using System.Text.Json;
using TypedSse.Client;
using TypedSse.TestApp;

// TypedSse.ConsoleClient <server> <room> <count>: receives <count> ticks of the room, prints each as
// "ticked <count> <labels> <source>", and exits 0. Errors the connection reports go to standard error.
if (args.Length != 3 || !Uri.TryCreate(args[0], UriKind.Absolute, out var server) || !int.TryParse(args[2], out var count) || count < 1)
{
    Console.Error.WriteLine("Usage: TypedSse.ConsoleClient <server-url> <room> <count>");
    return 2;
}

using var http = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
var client = new EventStreamClient(http, new EventStreamClientOptions
{
    SerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = TestAppJson.Default },
    OnError = static error => Console.Error.WriteLine($"error: {error.GetType().Name}: {error.Message}"),
});

var printer = new TickPrinter(count);
await using (var room = client.ConnectRoomEvents(new RoomEventsRoute(args[1]), printer))
{
    await Task.WhenAny(printer.Done, room.Completion);
    if (room.Completion.IsFaulted)
    {
        Console.Error.WriteLine($"stopped: {room.Completion.Exception!.InnerException!.Message}");
        return 1;
    }
}

return 0;

/// <summary>The receiver: the contract the server sends through, implemented to print what arrives.</summary>
internal sealed class TickPrinter(int count) : IRoomEvents
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _received;

    public Task Done => _done.Task;

    public Task Ticked(Tick tick, string source)
    {
        Console.WriteLine($"ticked {tick.Count} {string.Join(',', tick.Labels)} {source}");
        if (++_received == count)
        {
            _done.TrySetResult();
        }

        return Task.CompletedTask;
    }
}
