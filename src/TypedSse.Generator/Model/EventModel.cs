using TypedSse.Generator.Helpers;

namespace TypedSse.Generator.Model;

/// <summary>One event type: a method of the contract.</summary>
public sealed record EventModel
{
    /// <summary>The C# method name as declared (without <c>@</c>).</summary>
    public required string MethodName { get; init; }

    /// <summary>The fully qualified interface that declares the method (the contract or one it inherits).</summary>
    public required string DeclaringInterface { get; init; }

    /// <summary>The name written in the <c>event:</c> field: <c>[EventName]</c> or the camelCase method name.</summary>
    public required string EventName { get; init; }

    public required EventReturnKind ReturnKind { get; init; }

    /// <summary>The payload parameters, in declaration order (a trailing <c>CancellationToken</c> is not one).</summary>
    public required EquatableArray<ParameterModel> Parameters { get; init; }

    /// <summary>The name of a trailing <c>CancellationToken</c> parameter, passed to the publish call.</summary>
    public string? CancellationTokenParameter { get; init; }

    public PayloadKind PayloadKind => Parameters.Count switch
    {
        0 => PayloadKind.Empty,
        1 => PayloadKind.Value,
        _ => PayloadKind.Object,
    };

    public string? Documentation { get; init; }
}

public enum EventReturnKind
{
    Task,
    ValueTask,
}

/// <summary>How the parameters become the <c>data:</c> of an event.</summary>
public enum PayloadKind
{
    /// <summary>No parameters: the data is the empty string.</summary>
    Empty,

    /// <summary>One parameter: its value as JSON.</summary>
    Value,

    /// <summary>Several parameters: a JSON object keyed by <see cref="ParameterModel.JsonName"/>.</summary>
    Object,
}

/// <summary>A payload parameter of an event.</summary>
public sealed record ParameterModel
{
    /// <summary>The C# parameter name as declared (without <c>@</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The key of the parameter in an object payload: the camelCase parameter name.</summary>
    public required string JsonName { get; init; }

    /// <summary>The fully qualified C# type with nullable annotations, for example <c>global::System.String?</c>.</summary>
    public required string CSharpType { get; init; }

    /// <summary>The fully qualified C# type as <c>typeof</c> accepts it: without nullable reference annotations.</summary>
    public required string CSharpTypeOf { get; init; }

    /// <summary>The JSON shape of the value.</summary>
    public required TypeRef Type { get; init; }

    public string? Documentation { get; init; }
}
