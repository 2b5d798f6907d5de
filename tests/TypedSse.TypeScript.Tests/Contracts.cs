using System.Text.Json;
using System.Text.Json.Serialization;
using Shapes;
using TypedSse;

namespace TypedSse.TypeScript.TestServer;

/// <summary>Every shape the TypeScript client maps, on one stream.</summary>
/// <remarks>The route has a parameter of each typed kind; the tests URL-encode awkward room names into it.</remarks>
[EventStream("/tenants/{tenant:guid}/rooms/{room}/{page:int}/{big:long}/{flag:bool}/{view?}", Name = "broad")]
public interface IBroadEvents
{
    /// <summary>An event without arguments.</summary>
    Task Pinged();

    /// <summary>Every primitive.</summary>
    /// <param name="primitives">One of each.</param>
    Task PrimitivesSent(Primitives primitives);

    /// <summary>A message was posted.</summary>
    Task MessagePosted(Message message);

    /// <summary>Several arguments, sent as one JSON object.</summary>
    /// <param name="user">Who joined.</param>
    /// <param name="at">When.</param>
    /// <param name="mood">How they feel.</param>
    Task UserJoined(string user, DateTimeOffset at, Mood mood);

    Task ShapesDrawn(Shape shape, Animal[] animals);

    Task PageLoaded(Page<Card> cards, Page<string?> names);

    Task TreeChanged(TreeNode root);

    Task CollectionsChanged(Collections collections);

    Task GeometryChanged(Point point, Size size, Outer.Inner inner);

    ValueTask NoteChanged(string? note);

    /// <summary>A parameter named like the iterated event's own id.</summary>
    Task Deleted(Guid id);

    [EventName("raw-logged")]
#pragma warning disable TSSE010 // deliberately untyped: the client sees unknown
    Task Logged(object entry, JsonElement raw, Shouted shouted);
#pragma warning restore TSSE010

    /// <summary>A numbered event, for the resume tests.</summary>
    Task Counted(int value);
}

/// <summary>A stream without route parameters.</summary>
[EventStream("/clock")]
public interface IClockEvents
{
    Task Ticked(long now);

    /// <summary>
    /// An event, and a payload key, named like the property that sets an object's prototype: a plain key in the
    /// client's definition literal would set the prototype instead of defining the event.
    /// </summary>
    [EventName("__proto__")]
    Task Prototype(string __proto__, int count);
}

/// <summary>One of each primitive.</summary>
public sealed record Primitives(
    byte Byte,
    sbyte SByte,
    short Int16,
    ushort UInt16,
    int Int32,
    uint UInt32,
    long Int64,
    ulong UInt64,
    Int128 Int128,
    Half Half,
    float Single,
    double Double,
    decimal Decimal,
    bool Boolean,
    string String,
    char Char,
    DateTime DateTime,
    DateTimeOffset DateTimeOffset,
    DateOnly DateOnly,
    TimeOnly TimeOnly,
    TimeSpan TimeSpan,
    Guid Guid,
    Uri Uri,
    Version Version,
    byte[] Bytes,
    int? MissingNumber,
    int? PresentNumber,
    string? MissingText);

/// <summary>Written as its numeric value.</summary>
public enum Priority
{
    /// <summary>Can wait.</summary>
    Low = 1,
    High = 10,
}

/// <summary>Written by name, by the converter on the type.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Mood>))]
public enum Mood
{
    Calm,
    [JsonStringEnumMemberName("very-excited")]
    Excited,
}

[Flags]
public enum Permissions
{
    None = 0,
    Read = 1,
    Write = 2,
}

/// <summary>Has a converter of its own, so its shape is unknown to the client.</summary>
[JsonConverter(typeof(ShoutedConverter))]
public sealed record Shouted(string Text);

public sealed class ShoutedConverter : JsonConverter<Shouted>
{
    public override Shouted Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => new(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, Shouted value, JsonSerializerOptions options) => writer.WriteStringValue(value.Text.ToUpperInvariant());
}

/// <summary>A chat message.</summary>
/// <param name="Author">Who wrote it.</param>
public sealed record Message(
    [property: JsonPropertyName("author_name")] string Author,
    string Text,
    Priority Priority,
    [property: JsonConverter(typeof(JsonStringEnumConverter))] Priority PriorityName,
    Mood Mood,
    Mood? NoMood,
    Permissions Permissions,
    Attachment? Attachment)
{
    [JsonIgnore]
    public string Secret { get; init; } = "";

    /// <summary>Left out when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EditedBy { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeletedBy { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Reactions { get; init; }

    public required string Room { get; init; }
}

public sealed class Attachment
{
    [JsonPropertyName("url")]
    public required Uri Location { get; init; }

    public long Size { get; init; }
}

/// <summary>A concrete base: written without a discriminator when it is itself.</summary>
[JsonDerivedType(typeof(Dog), "dog")]
public class Animal
{
    public required string Name { get; init; }
}

public sealed class Dog : Animal
{
    public bool GoodBoy { get; init; }
}

/// <summary>A generic payload type.</summary>
/// <typeparam name="T">The items.</typeparam>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, string? Next);

public sealed record Card(int Id, string Title);

/// <summary>A recursive type.</summary>
public sealed class TreeNode
{
    public required string Name { get; init; }

    public List<TreeNode> Children { get; init; } = [];
}

public sealed class Collections
{
    public int[] Array { get; init; } = [];

    public List<string> List { get; init; } = [];

    public HashSet<Guid> Set { get; init; } = [];

    public IEnumerable<double> Sequence { get; init; } = [];

    public IReadOnlyList<Priority?> Nullables { get; init; } = [];

    public Dictionary<string, int> ByName { get; init; } = [];

    public Dictionary<int, string?> ByNumber { get; init; } = [];

    public Dictionary<Priority, bool> ByPriority { get; init; } = [];

    public string[][] Jagged { get; init; } = [];

    public List<Card>? Missing { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public struct Point
{
    public int X { get; set; }

    public int Y { get; set; }
}

public record struct Size(int Width, int Height);

public static class Outer
{
    /// <summary>A nested type.</summary>
    public sealed record Inner(string Value);
}
