using System.Text.Json;
using System.Text.Json.Serialization;
using TypedSse;

namespace TypedSse.TypeScript.TestServer;

/// <summary>
/// Payload shapes whose JSON is easy to get wrong in TypeScript. test/json-shapes.test.ts type checks the JSON that
/// <see cref="JsonShapeSamples"/> serializes (web defaults) against the generated types with tsc.
/// </summary>
[EventStream("/json-shapes")]
public interface IJsonShapeEvents
{
    Task Ignored(IgnoreConditions value);

    Task NumbersWritten(NumbersAsStrings numbers, StringNumbers typeLevel);

    Task Renamed(RenamedOverride value);

    Task PetsSeen(Pet pet, Pet[] pets);

    Task Boxed(IntBox box);

    Task Misc(Access access, Frozen frozen, WithField withField);
}

public sealed class IgnoreConditions
{
    /// <summary>Ignored only when reading: always written, null included.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenReading)]
    public string? Note { get; set; }

    /// <summary>Ignored when writing: never in the JSON.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWriting)]
    public string? WriteOnly { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Skipped { get; set; }
}

public sealed class NumbersAsStrings
{
    [JsonNumberHandling(JsonNumberHandling.WriteAsString)]
    public int Count { get; set; }

    [JsonNumberHandling(JsonNumberHandling.WriteAsString)]
    public int? Maybe { get; set; }

    [JsonNumberHandling(JsonNumberHandling.WriteAsString)]
    public List<long> Totals { get; set; } = [];

    [JsonNumberHandling(JsonNumberHandling.WriteAsString)]
    public Dictionary<string, double> Rates { get; set; } = [];

    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public double Ratio { get; set; }

    /// <summary>Only reading changes: written as a number.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int ReadLeniently { get; set; }
}

/// <summary>Number handling on the type: every number property of it, unless the property says otherwise.</summary>
[JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
public sealed class StringNumbers
{
    public int Count { get; set; }

    public decimal Price { get; set; }

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int Plain { get; set; }

    /// <summary>Another object follows its own number handling.</summary>
    public Size Nested { get; set; } = new(1, 2);
}

public class Titled
{
    public virtual string Name { get; set; } = "";
}

/// <summary>System.Text.Json writes the override under its name and the base property under its own.</summary>
public sealed class RenamedOverride : Titled
{
    [JsonPropertyName("title")]
    public override string Name { get; set; } = "";
}

/// <summary>A concrete polymorphic base, with a derived type that has a discriminator and one that has none.</summary>
[JsonDerivedType(typeof(Cat), "cat")]
[JsonDerivedType(typeof(Bird))]
public class Pet
{
    public required string Name { get; init; }
}

public sealed class Cat : Pet
{
    public required bool Purrs { get; init; }
}

public sealed class Bird : Pet
{
    public required bool Sings { get; init; }
}

public record Box<T>(T? Value);

/// <summary>A generic record instantiated with a value type: its T? is an int, never null.</summary>
public sealed record IntBox(int Extra) : Box<int>(Extra);

[Flags]
[JsonConverter(typeof(JsonStringEnumConverter<Access>))]
public enum Access
{
    None = 0,
    Read = 1,
    Write = 2,
}

/// <summary>[JsonConstructor] changes only how the type is read.</summary>
public sealed class Frozen
{
    [JsonConstructor]
    public Frozen(int id) => Id = id;

    public int Id { get; }
}

/// <summary>A public field is not written (IncludeFields is off under the web defaults).</summary>
public sealed class WithField
{
#pragma warning disable CS0649, CA1051
    public int Field;
#pragma warning restore CS0649, CA1051

    public int Property { get; set; }
}

/// <summary>One value of each shape, serialized with the web defaults, by the TypeScript type that must accept it.</summary>
internal static class JsonShapeSamples
{
    public static IEnumerable<JsonShapeSample> All()
    {
        yield return Sample("IgnoreConditions", new IgnoreConditions { Note = null, WriteOnly = "never sent" });
        yield return Sample("IgnoreConditions", new IgnoreConditions { Note = "n", Skipped = "s" });
        yield return Sample("NumbersAsStrings", new NumbersAsStrings { Count = 5, Maybe = null, Totals = [1, 2], Rates = new() { ["a"] = 0.5 }, Ratio = double.NaN, ReadLeniently = 3 });
        yield return Sample("NumbersAsStrings", new NumbersAsStrings { Count = -1, Maybe = 7, Ratio = double.NegativeInfinity });
        yield return Sample("NumbersAsStrings", new NumbersAsStrings { Ratio = 0.25 });
        yield return Sample("StringNumbers", new StringNumbers { Count = 5, Price = 1.5m, Plain = 3 });
        yield return Sample("RenamedOverride", new RenamedOverride { Name = "both" });
        yield return Sample("Pet", new Pet { Name = "plain" });
        yield return Sample<Pet>("Pet", new Cat { Name = "tom", Purrs = true });
        yield return Sample<Pet>("Pet", new Bird { Name = "tweety", Sings = true });
        yield return Sample("Pet[]", new Pet[] { new Cat { Name = "c", Purrs = false }, new Bird { Name = "b", Sings = false }, new Pet { Name = "p" } });
        yield return Sample("IntBox", new IntBox(5));
        yield return Sample("Access", Access.Read | Access.Write);
        yield return Sample("Access", Access.None);
        yield return Sample("Frozen", new Frozen(1));
        yield return Sample("WithField", new WithField { Property = 2 });
    }

    private static JsonShapeSample Sample<T>(string type, T value) => new(type, JsonSerializer.Serialize(value, JsonSerializerOptions.Web));
}

/// <param name="Type">The generated TypeScript type that must accept the JSON.</param>
/// <param name="Json">The JSON System.Text.Json writes.</param>
internal sealed record JsonShapeSample(string Type, string Json);
