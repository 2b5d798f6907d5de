using System.Globalization;
using System.Net;
using TypedSse.Benchmarks.Servers;

// One server under test, chosen by --server, on 127.0.0.1:--port. Besides its stream at /bench it answers the load
// generator's control requests under /control: the publisher lives here, in the server's process, as in an app.
string kind = Arg("--server") ?? throw new ArgumentException("--server typedsse|typedsse-mux|handwritten|raw is required");
int port = int.Parse(Arg("--port") ?? "5500", CultureInfo.InvariantCulture);
var keepAlive = TimeSpan.FromSeconds(double.Parse(Arg("--keep-alive-seconds") ?? "15", CultureInfo.InvariantCulture));
const int QueueCapacity = 4096;

IBenchServer server = kind switch
{
    "typedsse" => new TypedSseServer(keepAlive, QueueCapacity, multiplexed: false),
    "typedsse-mux" => new TypedSseServer(keepAlive, QueueCapacity, multiplexed: true),
    "handwritten" => new HandWrittenServer(QueueCapacity),
    "raw" => new RawServer(),
    _ => throw new ArgumentException($"Unknown server '{kind}'; use typedsse, typedsse-mux, handwritten or raw."),
};

var builder = WebApplication.CreateBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BenchJsonContext.Default));
server.ConfigureServices(builder);
var app = builder.Build();
server.Map(app);
new Publisher(server).Map(app);
app.Run();

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
