using TypedSse.Generator.Helpers;

namespace TypedSse.Generator.Model;

/// <summary>The route template of a contract and the parameters that scope its connections.</summary>
/// <param name="Template">The template as declared.</param>
/// <param name="Parameters">The parameters in template order.</param>
/// <param name="Segments">The path segments between '/', for building a URL from route values.</param>
public sealed record RouteModel(string Template, EquatableArray<RouteParameterModel> Parameters, EquatableArray<RouteSegmentModel> Segments);

/// <summary>A path segment: literal text and parameters, for example <c>{name}.{ext?}</c>.</summary>
public sealed record RouteSegmentModel(EquatableArray<RoutePartModel> Parts);

/// <summary>Literal text (braces unescaped), or the name of a parameter.</summary>
public sealed record RoutePartModel(string? Literal, string? Parameter);

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
    EquatableArray<string> Constraints)
{
    /// <summary>
    /// A URL may leave the parameter out: it is optional, a catch-all, or has a default. The one rule both emitters
    /// follow: the TypeScript route value is optional and the C# route scope takes null for it.
    /// </summary>
    public bool IsOmittable => IsOptional || IsCatchAll || DefaultValue is not null;

    /// <summary>Left out of a URL, the parameter has no route value at all (rather than its default).</summary>
    public bool MayHaveNoValue => (IsOptional || IsCatchAll) && DefaultValue is null;
}

public enum RouteParameterKind
{
    String,
    Int32,
    Int64,
    Boolean,
    Guid,
}
