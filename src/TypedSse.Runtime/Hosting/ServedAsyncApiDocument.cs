using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TypedSse.Hosting;

/// <summary>
/// The AsyncAPI document the app serves: the one written at build time, with what only the running app knows. Its
/// <c>servers</c> entry is the app as the request reached it (scheme, host, path base), and each multiplexed endpoint
/// (<c>MapEventStreams</c>), whose route the build cannot see, is a channel with the events of every stream mapped
/// in the app, each <c>event</c> prefixed by the subscription's index, as on the wire (docs/protocol.md).
/// </summary>
internal sealed class ServedAsyncApiDocument(string built)
{
    private const string HttpBindingVersion = "0.3.0";
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonObject _built = JsonNode.Parse(built)?.AsObject() ?? throw new ArgumentException("The AsyncAPI document is not a JSON object.", nameof(built));

    public byte[] For(HttpRequest request, EndpointDataSource endpoints)
    {
        var document = _built.DeepClone().AsObject();
        if (request.Host.HasValue)
        {
            var server = new JsonObject
            {
                ["host"] = request.Host.Value,
                ["protocol"] = request.IsHttps ? "https" : "http",
                ["description"] = "The app that served this document, as the request reached it.",
            };
            if (request.PathBase.HasValue)
            {
                server["pathname"] = request.PathBase.Value;
            }

            document["servers"] = new JsonObject { ["app"] = server };
        }

        var streams = endpoints.Endpoints.Select(static e => e.Metadata.GetMetadata<EventStreamEndpointMetadata>())
            .Where(static m => m is { Kind: EventStreamEndpointKind.Stream })
            .Select(static m => m!.StreamName)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var multiplexed in endpoints.Endpoints.OfType<RouteEndpoint>().Where(static e => e.Metadata.GetMetadata<EventStreamEndpointMetadata>()?.Kind == EventStreamEndpointKind.Multiplexed))
        {
            AddMultiplexedChannel(document, "/" + (multiplexed.RoutePattern.RawText ?? string.Empty).TrimStart('/'), streams);
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            document.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    private static void AddMultiplexedChannel(JsonObject document, string address, HashSet<string?> streams)
    {
        var channels = Object(document, "channels");
        var components = Object(Object(document, "components"), "messages");
        var name = Unique(channels, "multiplexed");
        var messages = new JsonObject();
        void Add(string key, JsonObject message)
        {
            var component = Unique(components, name + "." + key);
            components[component] = message;
            messages[key] = new JsonObject { ["$ref"] = "#/components/messages/" + component };
        }

        Add("typedsse.hello", Message("typedsse:hello", "Hello", "The first event of the connection, after a retry: field. Its id is the cursor the connection starts from.", Hello()));
        Add("typedsse.close", Message("typedsse:close", "Close", "The last event when the server ends the connection on purpose; the client reconnects with the credentials it has now.",
            PayloadOf(components, "typedsse.close")));
        Add("typedsse.reset", Message("<i>:typedsse:reset", "Reset", "Subscription i cannot be replayed from its entry of the cursor: reload its state. Its entry moves to latestEventId.",
            PayloadOf(components, "typedsse.reset")));
        Add("typedsse.refused", Message("<i>:typedsse:refused", "Refused", "Subscription i was refused, with the status its own endpoint would have answered; nothing of it is sent.",
            Properties(("path", new JsonObject { ["type"] = "string" }), ("status", new JsonObject { ["type"] = "integer", ["minimum"] = 0 }))));
        foreach (var (_, channel) in channels.ToList())
        {
            if (channel is not JsonObject stream || !streams.Contains(stream["title"]?.GetValue<string>()) || stream["messages"] is not JsonObject own)
            {
                continue;
            }

            foreach (var (_, reference) in own)
            {
                var component = reference?["$ref"]?.GetValue<string>().Split('/')[^1];
                if (component is null || component.StartsWith("typedsse.", StringComparison.Ordinal) || components[component] is not JsonObject @event)
                {
                    continue;
                }

                var message = @event.DeepClone().AsObject();
                message["name"] = "<i>:" + @event["name"]?.GetValue<string>();
                message["summary"] = $"{stream["title"]}: " + (@event["summary"]?.GetValue<string>() ?? @event["name"]?.GetValue<string>());
                Add(component, message);
            }
        }

        channels[name] = new JsonObject
        {
            ["address"] = address,
            ["title"] = "Multiplexed",
            ["description"] = "The app's streams in one response: each s query parameter is a subscription, the path of a stream's endpoint with its route values "
                + "(/rooms/lobby/events). A subscription's events come with their event field prefixed by its index and a colon (0:messagePosted); "
                + "each event's id is the whole cursor, one entry per subscription, sent back as Last-Event-ID. The hello and the close belong to the connection.",
            ["messages"] = messages,
        };
        var refs = new JsonArray();
        foreach (var (key, _) in messages)
        {
            refs.Add((JsonNode)new JsonObject { ["$ref"] = $"#/channels/{name}/messages/{key}" });
        }

        Object(document, "operations")[Unique(Object(document, "operations"), "streamMultiplexed")] = new JsonObject
        {
            ["action"] = "send",
            ["channel"] = new JsonObject { ["$ref"] = "#/channels/" + name },
            ["summary"] = $"Streams the events of the subscriptions listed in the s query parameters of {address}.",
            ["bindings"] = new JsonObject
            {
                ["http"] = new JsonObject
                {
                    ["method"] = "GET",
                    ["query"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("s"),
                        ["properties"] = new JsonObject
                        {
                            ["s"] = new JsonObject
                            {
                                ["type"] = "array",
                                ["minItems"] = 1,
                                ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = "^/[^?#]*$" },
                                ["description"] = "The subscriptions, one s per stream path: subscription i is the i-th s.",
                            },
                            ["lastEventId"] = new JsonObject
                            {
                                ["type"] = "string",
                                ["description"] = "The cursor, where the client cannot send the Last-Event-ID header: a comma-separated list whose entry i is the last event id seen on subscription i.",
                            },
                        },
                    },
                    ["bindingVersion"] = HttpBindingVersion,
                },
            },
            ["messages"] = refs,
        };
    }

    private static JsonObject Hello()
    {
        var subscription = Properties(("path", new JsonObject { ["type"] = "string" }), ("stream", new JsonObject { ["type"] = "string" }),
            ("connectionId", new JsonObject { ["type"] = "string" }), ("refused", new JsonObject { ["type"] = "integer", ["minimum"] = 0 }));
        subscription["required"] = new JsonArray("path");
        return Properties(
            ("connectionId", new JsonObject { ["type"] = "string", ["description"] = "The connection's id." }),
            ("keepAliveMs", new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["description"] = "The keep-alive interval." }),
            ("retryMs", new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["description"] = "The reconnection delay." }),
            ("subscriptions", new JsonObject
            {
                ["type"] = "array",
                ["description"] = "Every subscription in request order: its connection id, or the status it was refused with.",
                ["items"] = subscription,
            }));
    }

    private static JsonObject Message(string name, string title, string summary, JsonNode? payload) => new()
    {
        ["name"] = name,
        ["title"] = title,
        ["summary"] = summary,
        ["payload"] = payload,
    };

    private static JsonObject Properties(params (string Name, JsonObject Schema)[] properties)
    {
        var all = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            all[name] = schema;
        }

        return new JsonObject { ["type"] = "object", ["properties"] = all, ["required"] = new JsonArray([.. properties.Select(static p => (JsonNode)p.Name)]) };
    }

    private static JsonNode? PayloadOf(JsonObject messages, string key) => messages[key]?["payload"]?.DeepClone();

    private static JsonObject Object(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    private static string Unique(JsonObject map, string key)
    {
        var unique = key;
        for (var i = 2; map.ContainsKey(unique); i++)
        {
            unique = key + i;
        }

        return unique;
    }
}
