using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace TypedSse.OpenApi;

/// <summary>
/// Completes the operation of each TypedSse endpoint: what API Explorer cannot know of a stream (its route values,
/// the resume parameters, the statuses it answers, the events it sends) from the endpoint's TypedSse metadata.
/// </summary>
internal sealed class EventStreamOperationTransformer : IOpenApiOperationTransformer
{
    private const string EventStreamContentType = "text/event-stream";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<EventStreamEndpointMetadata>().LastOrDefault() is not { } endpoint)
        {
            return;
        }

        var payloads = new PayloadSchemas(context, cancellationToken);
        IOpenApiSchema item;
        operation.Parameters ??= [];
        switch (endpoint.Kind)
        {
            case EventStreamEndpointKind.Multiplexed:
                AddMultiplexedParameters(operation.Parameters);
                item = await EventItems.MultiplexedAsync(StreamDescriptions(context.ApplicationServices), payloads).ConfigureAwait(false);
                break;
            case EventStreamEndpointKind.Stream when metadata.OfType<EventStreamDescription>().LastOrDefault() is { } description:
                AddRouteParameters(operation, endpoint.Pattern);
                AddResumeParameters(operation.Parameters, "The last event id the client saw: the stream replays what came after it, or says typedsse:reset.");
                item = await EventItems.StreamAsync(description, payloads).ConfigureAwait(false);
                break;
            default:
                // A stream without a contract (MapEventStream by name, or with a handler): its events are not known.
                AddRouteParameters(operation, endpoint.Pattern);
                AddResumeParameters(operation.Parameters, "The last event id the client saw.");
                item = EventItems.Untyped();
                break;
        }

        operation.Responses ??= [];
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = endpoint.Kind == EventStreamEndpointKind.Multiplexed
                ? "The streams of the subscriptions in one text/event-stream; the x-itemSchema extension describes each event."
                : "The stream, as text/event-stream; the x-itemSchema extension describes each event.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [EventStreamContentType] = new()
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Server-Sent Events, one after another, until the server ends the stream." },
                    Extensions = new Dictionary<string, IOpenApiExtension> { [EventItemSchemaExtension.Name] = new EventItemSchemaExtension(item) },
                },
            },
        };
        operation.Responses["204"] = new OpenApiResponse { Description = "The app refused the connection for good: do not reconnect." };
        if (endpoint.Kind == EventStreamEndpointKind.Multiplexed)
        {
            operation.Responses["400"] = Text("The subscriptions are missing, listed twice, too many or not paths; the body says which.");
            operation.Responses["404"] = new OpenApiResponse { Description = "Every subscription was refused; the JSON body lists each one's status." };
        }

        if (await AuthenticationAsync(endpoint, metadata, context.ApplicationServices).ConfigureAwait(false) is { } authentication)
        {
            operation.Responses["401"] = new OpenApiResponse { Description = "The stream requires an authenticated user." };
            operation.Responses["403"] = new OpenApiResponse { Description = "The user may not open the stream." };
            Remember(operation, StreamAuthentication.MetadataKey, authentication);
        }

        operation.Responses["406"] = new OpenApiResponse { Description = "The Accept header excludes text/event-stream." };
        operation.Responses["429"] = Text("The user or address holds as many streams as allowed; retry after Retry-After seconds.");
        operation.Responses["503"] = Text("The server holds as many streams as allowed; retry after Retry-After seconds.");
    }

    private static OpenApiResponse Text(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
    };

    // The multiplexed endpoint admits anyone; each subscription is authorized as its own stream's endpoint would be.
    private static async Task<StreamAuthentication?> AuthenticationAsync(EventStreamEndpointMetadata endpoint, IList<object> metadata, IServiceProvider services)
    {
        if (endpoint.Kind != EventStreamEndpointKind.Multiplexed)
        {
            return StreamAuthentication.IsRequired([.. metadata])
                ? new StreamAuthentication(await StreamAuthentication.SchemesAsync([.. metadata], services).ConfigureAwait(false), AllowsAnonymous: false)
                : null;
        }

        var schemes = new List<string>();
        foreach (var stream in services.GetRequiredService<EndpointDataSource>().Endpoints)
        {
            if (stream.Metadata.GetMetadata<EventStreamEndpointMetadata>() is { Kind: not EventStreamEndpointKind.Multiplexed } && StreamAuthentication.IsRequired(stream.Metadata))
            {
                schemes.AddRange(await StreamAuthentication.SchemesAsync(stream.Metadata, services).ConfigureAwait(false));
            }
        }

        return new StreamAuthentication([.. schemes.Distinct(StringComparer.Ordinal)], AllowsAnonymous: true);
    }

    private static void Remember(OpenApiOperation operation, string key, object value)
    {
        operation.Metadata ??= new Dictionary<string, object>(StringComparer.Ordinal);
        operation.Metadata[key] = value;
    }

    private static IEnumerable<EventStreamDescription> StreamDescriptions(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(static e => e.Metadata.GetMetadata<EventStreamDescription>())
            .OfType<EventStreamDescription>()
            .DistinctBy(static d => d.StreamName)
            .OrderBy(static d => d.StreamName, StringComparer.Ordinal);

    private static void AddRouteParameters(OpenApiOperation operation, string pattern)
    {
        var parameters = operation.Parameters!;
        Remember(operation, RouteVariants.MetadataKey, RouteVariants.Of(pattern));
        foreach (var parameter in RoutePatternFactory.Parse(pattern).Parameters)
        {
            if (parameters.Any(p => p.In == ParameterLocation.Path && p.Name == parameter.Name))
            {
                continue;
            }

            var constraints = parameter.ParameterPolicies.Select(static p => p.Content).OfType<string>().ToList();
            parameters.Add(new OpenApiParameter
            {
                Name = parameter.Name,
                In = ParameterLocation.Path,
                Required = true,
                Description = "A route value: connections with the same route values hear the same events."
                    + (RouteVariants.IsOmittable(parameter) ? " The stream is also at the path without it." : string.Empty),
                Schema = RouteValueSchema(constraints),
            });
        }
    }

    private static OpenApiSchema RouteValueSchema(List<string> constraints) => constraints.FirstOrDefault(static c => c is "int" or "long" or "bool" or "guid") switch
    {
        "int" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
        "long" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
        "bool" => new OpenApiSchema { Type = JsonSchemaType.Boolean },
        "guid" => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
        _ => new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static void AddResumeParameters(IList<IOpenApiParameter> parameters, string description)
    {
        parameters.Add(new OpenApiParameter
        {
            Name = "Last-Event-ID",
            In = ParameterLocation.Header,
            Description = description + " Browsers send it by themselves when they reconnect.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        parameters.Add(new OpenApiParameter
        {
            Name = "lastEventId",
            In = ParameterLocation.Query,
            Description = "The same as the Last-Event-ID header, for clients that cannot set headers.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }

    private static void AddMultiplexedParameters(IList<IOpenApiParameter> parameters)
    {
        parameters.Add(new OpenApiParameter
        {
            Name = "s",
            In = ParameterLocation.Query,
            Required = true,
            Style = ParameterStyle.Form,
            Explode = true,
            Description = "A subscription: the path of a stream's own endpoint with its route values, such as /rooms/lobby/events. Subscription i is the i-th s.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^/[^?#]*$" } },
        });
        AddResumeParameters(parameters, "The cursor: a comma-separated list whose entry i is the last event id the client saw on subscription i (empty: start now).");
    }
}

/// <summary>
/// The schema of one item of a stream: an event with its <c>event</c>, <c>id</c> and <c>data</c> fields, one of the
/// stream's events or TypedSse's control events, told apart by <c>event</c>.
/// </summary>
internal static class EventItems
{
    public static async Task<IOpenApiSchema> StreamAsync(EventStreamDescription description, PayloadSchemas payloads)
    {
        var cases = new List<IOpenApiSchema>
        {
            Case(Exactly("typedsse:hello"), "The first event of every connection; its id is the connection's resume point.", Json(Hello(multiplexed: false))),
            Case(Exactly("typedsse:reset"), "The events after the client's Last-Event-ID are not retained, or the id is unknown: reload the state.", Json(Reset())),
            Case(Exactly("typedsse:close"), "The server ends the connection on purpose; reconnect with the credentials you have now.", Json(Close())),
        };
        foreach (var @event in description.Events)
        {
            cases.Add(Case(Exactly(@event.Name), @event.Summary, await payloads.EventDataAsync(@event).ConfigureAwait(false)));
        }

        return Item($"An event of the {description.StreamName} stream.", cases);
    }

    public static async Task<IOpenApiSchema> MultiplexedAsync(IEnumerable<EventStreamDescription> descriptions, PayloadSchemas payloads)
    {
        var cases = new List<IOpenApiSchema>
        {
            Case(Exactly("typedsse:hello"), "The first event of the connection; its id is the cursor the connection starts from.", Json(Hello(multiplexed: true))),
            Case(Exactly("typedsse:close"), "The server ends the connection on purpose; reconnect with the credentials you have now.", Json(Close())),
            Case(Subscription("typedsse:reset"), "Subscription i cannot be replayed from its cursor entry: reload its state.", Json(Reset())),
            Case(Subscription("typedsse:refused"), "Subscription i was refused; nothing of it is sent.", Json(Refused())),
        };
        foreach (var description in descriptions)
        {
            foreach (var @event in description.Events)
            {
                var summary = $"{description.StreamName}: {@event.Name}" + (@event.Summary is { } text ? ". " + text : string.Empty);
                cases.Add(Case(Subscription(@event.Name), summary, await payloads.EventDataAsync(@event).ConfigureAwait(false)));
            }
        }

        return Item("An event of one of the subscriptions, its event field prefixed by the subscription's index (0:messagePosted), or a connection-level control event.", cases);
    }

    public static IOpenApiSchema Untyped() => Item("An event; its data is whatever the app writes.", []);

    private static OpenApiSchema Item(string description, List<IOpenApiSchema> cases)
    {
        var item = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = description + " A : ping comment keeps an idle connection open.",
            Required = new HashSet<string> { "data" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["event"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The event's type." },
                ["data"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The payload, as JSON unless the event has none." },
                ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The event's position in the stream: send it back as Last-Event-ID." },
                ["retry"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The reconnection delay in milliseconds." },
            },
        };
        if (cases.Count > 0)
        {
            item.OneOf = cases;
        }

        return item;
    }

    private static OpenApiSchema Case(OpenApiSchema eventName, string? description, IOpenApiSchema data) => new()
    {
        Description = description,
        Required = new HashSet<string> { "event" },
        Properties = new Dictionary<string, IOpenApiSchema> { ["event"] = eventName, ["data"] = data },
    };

    private static OpenApiSchema Exactly(string name) => new() { Const = name };

    private static OpenApiSchema Subscription(string name) =>
        new() { Type = JsonSchemaType.String, Pattern = "^[0-9]+:" + Regex.Escape(name).Replace("\\ ", " ", StringComparison.Ordinal) + "$" };

    /// <summary>The <c>data</c> field holding JSON of <paramref name="schema"/>.</summary>
    public static OpenApiSchema Json(IOpenApiSchema schema) => new()
    {
        Type = JsonSchemaType.String,
        ContentMediaType = "application/json",
        ContentSchema = schema,
    };

    private static OpenApiSchema Hello(bool multiplexed)
    {
        var hello = Object(("connectionId", String("The connection's id, for stream.Connection(id).")),
            ("keepAliveMs", Integer("The keep-alive interval.")), ("retryMs", Integer("The reconnection delay.")));
        if (multiplexed)
        {
            hello.Properties!["subscriptions"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "Every subscription in request order: its connection id, or the status it was refused with.",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "path" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["path"] = String(null),
                        ["stream"] = String(null),
                        ["connectionId"] = String(null),
                        ["refused"] = Integer(null),
                    },
                },
            };
            hello.Required!.Add("subscriptions");
        }

        return hello;
    }

    private static OpenApiSchema Reset()
    {
        var reason = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("history-gap"), JsonValue.Create("unknown-id")] };
        return Object(("reason", reason), ("lastEventId", String("The id the client asked to resume after.")), ("latestEventId", String("The stream's newest event id.")));
    }

    private static OpenApiSchema Close() =>
        Object(("reason", String("credentials-expired, credentials-rejected, or the app's own code (signed-out).")));

    private static OpenApiSchema Refused() => Object(("path", String(null)), ("status", Integer(null)));

    private static OpenApiSchema Object(params (string Name, IOpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Required = properties.Select(static p => p.Name).ToHashSet(StringComparer.Ordinal),
        Properties = properties.ToDictionary(static p => p.Name, static p => p.Schema, StringComparer.Ordinal),
    };

    private static OpenApiSchema String(string? description) => new() { Type = JsonSchemaType.String, Description = description };

    private static OpenApiSchema Integer(string? description) =>
        new() { Type = JsonSchemaType.Integer, Description = description, Minimum = 0.ToString(CultureInfo.InvariantCulture) };
}
