using TypedSse.Generator.Helpers;

namespace TypedSse.Generator.Model;

/// <summary>
/// Everything known about one <c>[EventStream]</c> interface. The C# emitter and the TypeScript emitter both read
/// only this model, so they cannot disagree.
/// </summary>
/// <remarks>
/// Models are compared by value between generator runs: an equal model means nothing is re-emitted. They hold
/// strings, enums, records and <see cref="EquatableArray{T}"/> only, never symbols, syntax or locations.
/// </remarks>
public sealed record ContractModel
{
    /// <summary>The namespace of the interface, empty for the global namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The interface name as declared, for example <c>IChatEvents</c>.</summary>
    public required string InterfaceName { get; init; }

    /// <summary>The names of the types the interface is nested in, outermost first.</summary>
    public required EquatableArray<string> ContainingTypes { get; init; }

    /// <summary>
    /// The names of types the user declared in the contract's namespace that start like the generated type names,
    /// which the generated names must avoid (a user's <c>ChatEventsExtensions</c>).
    /// </summary>
    public required EquatableArray<string> NamespaceTypeNames { get; init; }

    /// <summary>The fully qualified C# name, for example <c>global::MyApp.IChatEvents</c>.</summary>
    public required string FullyQualifiedName { get; init; }

    /// <summary>The contract's name in user terms: the interface name without its leading <c>I</c>, for example <c>ChatEvents</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The runtime stream the contract publishes to and is served from; see <see cref="Naming.StreamName"/>.</summary>
    public required string StreamName { get; init; }

    /// <summary>True when the contract and every type it is nested in are public.</summary>
    public required bool IsPublic { get; init; }

    public required RouteModel Route { get; init; }

    /// <summary>The events in declaration order, including those of inherited interfaces.</summary>
    public required EquatableArray<EventModel> Events { get; init; }

    /// <summary>Every named payload type reachable from the events, keyed by <see cref="TypeModel.Id"/>, sorted by id.</summary>
    public required EquatableArray<TypeModel> Types { get; init; }

    /// <summary>The XML doc summary of the interface as plain text.</summary>
    public string? Documentation { get; init; }
}
