using System.Text.Json;
using Shapes;

namespace TypedSse.TypeScript.TestServer;

/// <summary>One event of each kind with fixed values; test/samples.ts holds the same values, typed by the generated client.</summary>
internal static class Samples
{
    public static async Task PublishAsync(IBroadEvents events)
    {
        await events.Pinged();
        await events.PrimitivesSent(new Primitives(
            Byte: 255,
            SByte: -128,
            Int16: -32768,
            UInt16: 65535,
            Int32: -2147483648,
            UInt32: 4294967295,
            Int64: 9007199254740991,
            UInt64: 42,
            Int128: 43,
            Half: (Half)1.5,
            Single: 0.25f,
            Double: 0.1,
            Decimal: 12.50m,
            Boolean: true,
            String: "quote \" backslash \\ line\nbreak é 😀",
            Char: 'x',
            DateTime: new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            DateTimeOffset: new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            DateOnly: new DateOnly(2024, 1, 2),
            TimeOnly: new TimeOnly(3, 4, 5),
            TimeSpan: new TimeSpan(1, 2, 3, 4),
            Guid: Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            Uri: new Uri("https://example.com/a?b=c"),
            Version: new Version(1, 2, 3),
            Bytes: [1, 2, 3],
            MissingNumber: null,
            PresentNumber: 7,
            MissingText: null));
        await events.MessagePosted(new Message("ada", "hello", Priority.High, Priority.Low, Mood.Excited, null, Permissions.Read | Permissions.Write, new Attachment { Location = new Uri("https://example.com/f.png"), Size = 1024 })
        {
            Secret = "never sent",
            EditedBy = "grace",
            Room = "lobby",
        });
        await events.UserJoined("grace", new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), Mood.Calm);
        await events.ShapesDrawn(new Square { Color = "red", Side = 2 }, [new Animal { Name = "generic" }, new Dog { Name = "rex", GoodBoy = true }]);
        await events.PageLoaded(new Page<Card>([new Card(1, "one"), new Card(2, "two")], 2, null), new Page<string?>(["a", null], 2, "next"));
        await events.TreeChanged(new TreeNode { Name = "root", Children = [new TreeNode { Name = "leaf" }] });
        await events.CollectionsChanged(new Collections
        {
            Array = [1, 2],
            List = ["a"],
            Set = [Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7")],
            Sequence = [0.5],
            Nullables = [Priority.Low, null],
            ByName = new() { ["one"] = 1 },
            ByNumber = new() { [1] = "one", [2] = null },
            ByPriority = new() { [Priority.High] = true },
            Jagged = [["a", "b"], []],
            Extra = new() { ["extra"] = JsonSerializer.SerializeToElement(new { deep = true }) },
        });
        await events.GeometryChanged(new Point { X = 1, Y = -1 }, new Size(640, 480), new Outer.Inner("inside"));
        await events.NoteChanged(null);
        await events.Deleted(Guid.Parse("9b2c5f7e-1d3a-4c6b-8e9f-0a1b2c3d4e5f"));
        await events.Logged(new { level = "info", count = 3 }, JsonSerializer.SerializeToElement(new[] { 1, 2 }), new Shouted("quiet"));
    }
}
