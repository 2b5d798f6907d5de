using TypedSse.Generator.Helpers;

namespace TypedSse.Generator.Model;

/// <summary>The route template of a contract and the parameters that scope its connections.</summary>
public sealed record RouteModel(string Template, EquatableArray<RouteParameterModel> Parameters);

/// <summary>A route parameter. Its value, formatted invariantly, becomes part of the connection's topic.</summary>
/// <param name="Name">The name in the template, for example <c>room</c> in <c>{room:int}</c>.</param>
/// <param name="Kind">The typed value the parameter is bound to, derived from its constraints.</param>
/// <param name="IsOptional">Declared as <c>{name?}</c>.</param>
/// <param name="IsCatchAll">Declared as <c>{*name}</c> or <c>{**name}</c>.</param>
/// <param name="DefaultValue">The value after <c>=</c>, if any.</param>
/// <param name="Constraints">The constraints as written, for example <c>int</c> or <c>regex(^a$)</c>.</param>
public sealed record RouteParameterModel(
    string Name,
    RouteParameterKind Kind,
    bool IsOptional,
    bool IsCatchAll,
    string? DefaultValue,
    EquatableArray<string> Constraints);

public enum RouteParameterKind
{
    String,
    Int32,
    Int64,
    Boolean,
    Guid,
}
