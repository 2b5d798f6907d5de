using System;
using System.Collections.Generic;
using System.Linq;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Emitting.AsyncApi;

/// <summary>
/// Emits the AsyncAPI 3.0 document of a compilation's contracts: a channel per stream (its route as the address,
/// its route parameters), a message per event with the payload's JSON Schema, TypedSse's control messages, and the
/// HTTP binding of the GET that opens the stream. Reads the model only, like the client emitters.
/// </summary>
internal static class AsyncApiEmitter
{
    /// <summary>The file name, written beside the TypeScript clients.</summary>
    public const string FileName = "asyncapi.json";

    private const string HttpBindingVersion = "0.3.0";

    public static string Emit(IEnumerable<ContractModel> contracts, string title)
    {
        var ordered = contracts.OrderBy(static c => c.StreamName, StringComparer.Ordinal).ThenBy(static c => c.FullyQualifiedName, StringComparer.Ordinal).ToList();
        var schemas = new AsyncApiSchemas(ordered.SelectMany(static c => c.Types));
        var messages = new Json();
        var messageNames = new UniqueNames(isAvailable: AsyncApiNames.IsKey);
        foreach (var control in ControlMessages)
        {
            messages.Set(messageNames.New(control.Key), control.Value);
        }

        var channels = new Json();
        var operations = new Json();
        var channelNames = new UniqueNames(isAvailable: AsyncApiNames.IsKey);
        var operationNames = new UniqueNames(isAvailable: AsyncApiNames.IsKey);
        foreach (var contract in ordered)
        {
            var channelName = channelNames.New(AsyncApiNames.Key(contract.StreamName));
            var channelMessages = new Json();
            var channelMessageNames = new UniqueNames(isAvailable: AsyncApiNames.IsKey);
            var channelMessageKeys = new List<string>();
            foreach (var control in ChannelControlMessages)
            {
                channelMessageKeys.Add(channelMessageNames.New(control));
                channelMessages.Set(channelMessageKeys[channelMessageKeys.Count - 1], MessageRef(control));
            }

            foreach (var @event in contract.Events)
            {
                var messageName = messageNames.New(channelName + "." + AsyncApiNames.Key(@event.EventName));
                messages.Set(messageName, Message(@event, schemas));
                channelMessageKeys.Add(channelMessageNames.New(AsyncApiNames.Key(@event.EventName)));
                channelMessages.Set(channelMessageKeys[channelMessageKeys.Count - 1], MessageRef(messageName));
            }

            channels.Set(channelName, new Json()
                .Set("address", Address(contract.Route))
                .Set("title", contract.StreamName)
                .Set("description", contract.Documentation)
                .Set("parameters", Parameters(contract.Route))
                .Set("messages", channelMessages));

            var channelMessageRefs = new List<object>();
            foreach (var key in channelMessageKeys)
            {
                channelMessageRefs.Add(new Json().Set("$ref", "#/channels/" + channelName + "/messages/" + key));
            }

            operations.Set(operationNames.New("stream" + char.ToUpperInvariant(channelName[0]) + channelName.Substring(1)), new Json()
                .Set("action", "send")
                .Set("channel", new Json().Set("$ref", "#/channels/" + channelName))
                .Set("summary", $"Streams the {contract.StreamName} events to each client that opens {contract.Route.Template}.")
                .Set("description", "The client opens the channel with GET and reads text/event-stream. Each message is one event: "
                    + "its `event` field is the message name, its `data` the payload, its `id` the event's position in the stream. "
                    + "A reconnecting client sends its last id in the Last-Event-ID header (or the lastEventId query parameter) "
                    + "and gets what it missed, or typedsse:reset.")
                .Set("bindings", new Json().Set("http", new Json()
                    .Set("method", "GET")
                    .Set("query", new Json().Set("type", "object").Set("properties", new Json()
                        .Set("lastEventId", new Json().Set("type", "string").Set("description", "The last event id the client saw, where it cannot send the Last-Event-ID header."))))
                    .Set("bindingVersion", HttpBindingVersion)))
                .Set("messages", channelMessageRefs));
        }

        return new Json()
            .Set("asyncapi", "3.0.0")
            .Set("info", new Json()
                .Set("title", title)
                .Set("version", "1.0.0")
                .Set("description", "The event streams of " + title + ", described by TypedSse from its [EventStream] contracts. "
                    + "Every channel is a Server-Sent Events stream (text/event-stream over HTTP GET): a message is one event, whose "
                    + "`event` field is the message's name and whose `data` is its payload. An idle connection gets a `: ping` comment. "
                    + "The wire protocol is in TypedSse's docs/protocol.md."))
            .Set("defaultContentType", "application/json")
            .Set("channels", channels)
            .Set("operations", operations)
            .Set("components", new Json().Set("messages", messages).Set("schemas", schemas.Components()))
            .ToString();
    }

    private static Json MessageRef(string name) => new Json().Set("$ref", "#/components/messages/" + name);

    private static Json Message(EventModel @event, AsyncApiSchemas schemas)
    {
        var message = new Json()
            .Set("name", @event.EventName)
            .Set("title", @event.MethodName)
            .Set("summary", @event.Documentation);
        switch (@event.PayloadKind)
        {
            case PayloadKind.Empty:
                return message.Set("contentType", "text/plain").Set("payload", new Json().Set("type", "string").Set("const", string.Empty)
                    .Set("description", "The event has no payload: its data is the empty string."));
            case PayloadKind.Value:
                var parameter = @event.Parameters[0];
                var schema = schemas.Schema(parameter.Type);
                if (parameter.Documentation is { } documentation)
                {
                    schema = schema.Get("$ref") is null ? schema.Set("description", documentation) : new Json().Set("description", documentation).Set("allOf", new List<object> { schema });
                }

                return message.Set("payload", schema);
            default:
                var properties = new Json();
                foreach (var p in @event.Parameters)
                {
                    var property = schemas.Schema(p.Type);
                    if (p.Documentation is { } text)
                    {
                        property = property.Get("$ref") is null ? property.Set("description", text) : new Json().Set("description", text).Set("allOf", new List<object> { property });
                    }

                    properties.Set(p.JsonName, property);
                }

                return message.Set("payload", new Json()
                    .Set("type", "object")
                    .Set("properties", properties)
                    .Set("required", @event.Parameters.Select(static p => (object)p.JsonName).ToList()));
        }
    }

    private static string Address(RouteModel route)
    {
        var segments = route.Segments.Select(static segment => string.Concat(segment.Parts.Select(static part => part.Parameter is { } name ? "{" + name + "}" : part.Literal)));
        return "/" + string.Join("/", segments);
    }

    private static Json? Parameters(RouteModel route)
    {
        if (route.Parameters.Count == 0)
        {
            return null;
        }

        var parameters = new Json();
        foreach (var parameter in route.Parameters)
        {
            var constraints = parameter.Constraints.Count == 0 ? string.Empty : " Constraints: " + string.Join(", ", parameter.Constraints) + ".";
            var optional = parameter.IsOmittable ? " It may be left out." : string.Empty;
            parameters.Set(parameter.Name, new Json()
                .Set("description", $"The route value {{{parameter.Name}}}: connections with the same route values hear the same events.{constraints}{optional}")
                .Set("default", parameter.DefaultValue));
        }

        return parameters;
    }

    private static readonly string[] ChannelControlMessages = ["typedsse.hello", "typedsse.reset", "typedsse.close"];

    private static IEnumerable<KeyValuePair<string, Json>> ControlMessages
    {
        get
        {
            static Json Text(string description) => new Json().Set("type", "string").Set("description", description);
            static Json Integer(string description) => new Json().Set("type", "integer").Set("minimum", 0L).Set("description", description);

            yield return new("typedsse.hello", new Json()
                .Set("name", "typedsse:hello")
                .Set("title", "Hello")
                .Set("summary", "The first event of every connection, after a retry: field. Its id is the connection's resume point.")
                .Set("payload", new Json()
                    .Set("type", "object")
                    .Set("properties", new Json()
                        .Set("connectionId", Text("The connection's id, for targeting it with stream.Connection(id)."))
                        .Set("keepAliveMs", Integer("The keep-alive interval: an idle connection gets a ping after it."))
                        .Set("retryMs", Integer("The reconnection delay, as in the retry: field.")))
                    .Set("required", new List<object> { "connectionId", "keepAliveMs", "retryMs" })));
            yield return new("typedsse.reset", new Json()
                .Set("name", "typedsse:reset")
                .Set("title", "Reset")
                .Set("summary", "Sent instead of a replay when the client's Last-Event-ID is older than the history or unknown: reload the state. Its id is the stream's newest.")
                .Set("payload", new Json()
                    .Set("type", "object")
                    .Set("properties", new Json()
                        .Set("reason", new Json().Set("type", "string").Set("enum", new List<object> { "history-gap", "unknown-id" }))
                        .Set("lastEventId", Text("The id the client asked to resume after."))
                        .Set("latestEventId", Text("The stream's newest event id.")))
                    .Set("required", new List<object> { "reason", "lastEventId", "latestEventId" })));
            yield return new("typedsse.close", new Json()
                .Set("name", "typedsse:close")
                .Set("title", "Close")
                .Set("summary", "The last event when the server ends the connection on purpose; the client reconnects with the credentials it has now.")
                .Set("payload", new Json()
                    .Set("type", "object")
                    .Set("properties", new Json()
                        .Set("reason", Text("Why: credentials-expired, credentials-rejected, or the app's own code (signed-out).")))
                    .Set("required", new List<object> { "reason" })));
        }
    }
}
