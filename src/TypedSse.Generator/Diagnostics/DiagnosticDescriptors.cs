using Microsoft.CodeAnalysis;

namespace TypedSse.Generator.Diagnostics;

/// <summary>Every diagnostic the generator reports. Ids are stable; new ones go to AnalyzerReleases.Unshipped.md.</summary>
public static class DiagnosticDescriptors
{
    private const string Category = "TypedSse";

    public static readonly DiagnosticDescriptor GenericContract = Error(
        "TSSE001",
        "Event stream contracts cannot be generic",
        "The event stream contract '{0}' is generic or nested in a generic type; declare a non-generic interface and use generic payload types instead");

    public static readonly DiagnosticDescriptor GenericEventMethod = Error(
        "TSSE002",
        "Event methods cannot be generic",
        "Event method '{0}' is generic; remove its type parameters and use a concrete payload type");

    public static readonly DiagnosticDescriptor InvalidReturnType = Error(
        "TSSE003",
        "Event methods must return Task or ValueTask",
        "Event method '{0}' returns '{1}'; change its return type to Task or ValueTask");

    public static readonly DiagnosticDescriptor InvalidParameterModifier = Error(
        "TSSE004",
        "Event parameters cannot be ref, out, in or params",
        "Parameter '{0}' of event method '{1}' is declared '{2}'; remove the modifier, payloads are passed by value");

    public static readonly DiagnosticDescriptor DuplicateEventName = Error(
        "TSSE005",
        "Event names must be unique within a contract",
        "Event name '{0}' of '{1}' is already used by '{2}'; rename one of the methods or give it a distinct [EventName]");

    public static readonly DiagnosticDescriptor InvalidEventName = Error(
        "TSSE006",
        "Invalid event name",
        "Event name '{0}' of '{1}' {2}; use a non-empty name without CR, LF or ':' (names with a colon are reserved for TypedSse control events such as 'typedsse:hello')");

    public static readonly DiagnosticDescriptor InvalidRoute = Error(
        "TSSE007",
        "Invalid route template",
        "The route template '{0}' of '{1}' is invalid: {2}");

    public static readonly DiagnosticDescriptor UnsupportedContractMember = Error(
        "TSSE008",
        "Event stream contracts can only declare event methods",
        "'{0}' is {1}; an event stream contract may only declare instance methods, one per event: move it to another type");

    public static readonly DiagnosticDescriptor UnsupportedPayloadType = Error(
        "TSSE009",
        "Payload type cannot be serialized",
        "The payload of '{0}' cannot be sent: {1} has type '{2}', {3}; use a serializable type or mark the member [JsonIgnore]");

    public static readonly DiagnosticDescriptor UntypedPayload = Warning(
        "TSSE010",
        "Payload of unknown shape",
        "The payload of '{0}' is not fully typed: {1} has type '{2}', which the TypeScript client sees as 'unknown'; use a concrete type");

    public static readonly DiagnosticDescriptor InaccessibleContract = Error(
        "TSSE011",
        "Event stream contracts must be accessible to the assembly",
        "The event stream contract '{0}' is {1}; make it and every type it is nested in public or internal, so the generated sender and extensions can use it");

    public static readonly DiagnosticDescriptor InvalidStreamName = Error(
        "TSSE012",
        "Invalid stream name",
        "The stream name of '{0}' is empty; set [EventStream(Name = ...)] to a non-empty name or remove it");

    public static readonly DiagnosticDescriptor DuplicateStreamName = Error(
        "TSSE013",
        "Stream names must be unique",
        "The stream name '{0}' of '{1}' is already used by '{2}'; two contracts would share one stream, so give one a distinct [EventStream(Name = ...)]");

    public static readonly DiagnosticDescriptor DuplicateParameterJsonName = Error(
        "TSSE014",
        "Event parameters must have distinct JSON names",
        "Parameter '{0}' of event method '{2}' has the JSON name '{3}', which parameter '{1}' already has; the payload object would hold the key twice, so rename one of them");

    public static readonly DiagnosticDescriptor UnknownRouteConstraint = Warning(
        "TSSE015",
        "Route constraint not built into ASP.NET Core",
        "The route constraint '{0}' of parameter '{1}' in '{2}' of '{3}' is not built into ASP.NET Core; unless the app registers it in RouteOptions.ConstraintMap (builder.Services.Configure<RouteOptions>(o => o.ConstraintMap[\"{0}\"] = typeof(...))), every request to the stream fails with 500. Register it, or fix the name, and suppress this warning with #pragma warning disable TSSE015 once it is registered");

    public static readonly DiagnosticDescriptor UnfollowedJsonOptions = Warning(
        "TSSE016",
        "JSON options the TypeScript client does not follow",
        "The JsonSerializerContext '{0}' sets {1}; the generated TypeScript types describe the JSON of ASP.NET Core's web defaults (camelCase names, enums as numbers, no public fields), so if TypedSse serializes event payloads with this context or its options the client's types do not match the JSON. Keep the web defaults for payload types ([JsonSourceGenerationOptions(JsonSerializerDefaults.Web)], per-member attributes such as [JsonPropertyName] and [JsonConverter] are followed), or suppress TSSE016 if the context serves no event payloads");

    public static readonly DiagnosticDescriptor DuplicatePropertyJsonName = Error(
        "TSSE017",
        "Payload properties must have distinct JSON names",
        "Property '{0}' has the JSON name '{1}', which property '{2}' already has as '{3}' (ASP.NET Core's web defaults compare property names ignoring case), so System.Text.Json throws InvalidOperationException when it serializes '{4}' for '{5}'; give one of them a distinct [JsonPropertyName] or mark one [JsonIgnore]");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
