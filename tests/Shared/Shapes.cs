// A polymorphic payload type, shared by two test projects: the generator tests read this file as the source text of
// their Shapes sample, and the TypeScript client tests compile it into their test server and receive it over the wire.
// A change here shows in the generator baselines (Baselines/Shapes) and in what the TypeScript tests receive.
#pragma warning disable CS1591
using System.Text.Json.Serialization;

namespace Shapes;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(Circle), "circle")]
[JsonDerivedType(typeof(Square), 2)]
public abstract class Shape
{
    public string? Color { get; set; }
}

public sealed class Circle : Shape
{
    public double Radius { get; set; }
}

public sealed class Square : Shape
{
    [JsonPropertyOrder(-1)]
    public double Side { get; set; }
}
