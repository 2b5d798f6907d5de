namespace TypedSse.Generator.Tests;

/// <summary>Representative contracts, each with code that uses what the generator makes of it.</summary>
public static class Samples
{
    /// <summary>The polymorphic <c>Shape</c> of <see cref="Shapes"/>, from tests/Shared/Shapes.cs, which the TypeScript tests compile too.</summary>
    public static readonly string Shape = ReadShared("Shapes.cs");

    // After Shape: static fields are initialized in the order they are written.
    /// <summary>The source files of each sample.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> All = new Dictionary<string, string[]>
    {
        [nameof(Chat)] = [Chat],
        [nameof(Shapes)] = [Shapes, Shape],
        [nameof(GlobalNamespace)] = [GlobalNamespace],
        [nameof(Nested)] = [Nested],
        [nameof(Keywords)] = [Keywords],
    };

    /// <summary>The contract of the issue.</summary>
    public const string Chat = """
        #pragma warning disable CS1591
        using System;
        using System.Collections.Generic;
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Routing;
        using TypedSse;

        namespace Chat.Contracts;

        /// <summary>What happens in a chat room.</summary>
        [EventStream("/rooms/{room}/events")]
        public interface IChatEvents
        {
            /// <summary>A message was posted to the room.</summary>
            /// <param name="message">The message as posted.</param>
            Task MessagePosted(ChatMessage message);

            /// <summary>A user entered the room.</summary>
            /// <param name="user">The user's name.</param>
            /// <param name="at">When they entered.</param>
            Task UserJoined(string user, DateTimeOffset at);

            [EventName("typing")]
            Task Typing(string user);

            /// <summary>The room's history was cleared.</summary>
            Task Cleared();
        }

        /// <summary>A message in a room.</summary>
        /// <param name="User">Who wrote it.</param>
        /// <param name="Text">What they wrote.</param>
        /// <param name="SentAt">When they sent it.</param>
        /// <param name="Kind">What it holds.</param>
        /// <param name="Attachments">Files sent with it, if any.</param>
        public sealed record ChatMessage(string User, string Text, DateTimeOffset SentAt, MessageKind Kind, IReadOnlyList<Attachment>? Attachments);

        [JsonConverter(typeof(JsonStringEnumConverter<MessageKind>))]
        public enum MessageKind
        {
            Text,
            Image,
        }

        public sealed class Attachment
        {
            /// <summary>Where the file is.</summary>
            [JsonPropertyName("url")]
            public required Uri Location { get; init; }

            public long Size { get; init; }

            [JsonIgnore]
            public byte[]? Cache { get; set; }
        }

        public static class Usage
        {
            public static async Task Run(IEndpointRouteBuilder app, IEventStream<IChatEvents> chat, ChatMessage message)
            {
                app.MapChatEvents().RequireAuthorization();
                app.MapChatEvents("/chat/{room}", options => options.OnConnected = (connection, _) => default);
                await chat.Route(room: "lobby").MessagePosted(message);
                await chat.All.UserJoined("ada", DateTimeOffset.UnixEpoch);
                await chat.User("ada").Typing("bob");
                await chat.Connection("c1").Cleared();
                await chat.Where(connection => connection.UserId != null).Cleared();
                string topic = ChatEventsExtensions.RouteTopic("lobby");
                _ = ChatEventsExtensions.Pattern + ChatEventsExtensions.StreamName + topic;
            }
        }
        """;

    /// <summary>Payload shapes the TypeScript client must know: generics, recursion, polymorphism (<see cref="Shape"/>), dictionaries, enums.</summary>
    public const string Shapes = """
        #pragma warning disable CS1591
        using System;
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Threading.Tasks;
        using TypedSse;

        namespace Shapes;

        [EventStream("/boards/{board:int}/events", Name = "boards")]
        public interface IBoardEvents
        {
            Task PageLoaded(Page<Card> page);
            Task TreeChanged(TreeNode root);
            Task ShapeDrawn(Shape shape);
            ValueTask Tallied(Dictionary<string, int> counts, IReadOnlyDictionary<Priority, List<Card>> byPriority, Dictionary<int, string?> names);
            Task Scheduled(DateOnly day, TimeOnly time, TimeSpan duration, Guid id, DateTime local, int? limit, decimal price, char mark, byte[] thumbnail);
            Task Tagged(HashSet<string> tags, IEnumerable<Priority> priorities, string[][] grid, ISet<Guid>? owners);
            Task Extended(Extensible value, Settings settings);
        }

        /// <summary>One page of results.</summary>
        /// <typeparam name="T">The item type.</typeparam>
        public sealed record Page<T>(IReadOnlyList<T> Items, int Total, string? Next);

        public sealed record Card(int Id, string Title, Priority Priority, [property: JsonConverter(typeof(JsonStringEnumConverter))] Priority DisplayPriority, Status Status);

        public enum Priority { Low = 1, High = 10 }

        [Flags, JsonConverter(typeof(JsonStringEnumConverter<Status>))]
        public enum Status
        {
            None = 0,
            [JsonStringEnumMemberName("in-progress")] InProgress = 1,
            Done = 2,
        }

        public sealed class TreeNode
        {
            public required string Name { get; init; }
            public List<TreeNode> Children { get; } = new();
            public TreeNode? Parent { get; set; }
        }

        public struct Extensible
        {
            [JsonRequired]
            public int Version { get; set; }

            [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
            public string? Note { get; set; }

            [JsonExtensionData]
            public Dictionary<string, JsonElement>? Extra { get; set; }

            [JsonInclude]
            public int Field;

            public int Hidden;
        }

        public record struct Settings(bool Enabled, Uri? Home, long Ticks)
        {
            public static Settings Default => new(true, null, 0);
        }

        public static class Usage
        {
            public static Task Run(IEventStream<IBoardEvents> boards) => boards.Route(board: 7).TreeChanged(new TreeNode { Name = "root" });
        }
        """;

    /// <summary>A contract in the global namespace: no route parameters, ValueTask, cancellation, no payload.</summary>
    public const string GlobalNamespace = """
        #pragma warning disable CS1591
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;
        using TypedSse;

        [EventStream("/clock")]
        public interface IClockEvents
        {
            ValueTask Tick(long now, CancellationToken cancellationToken);
            ValueTask Reset();
            Task Paused(CancellationToken cancellationToken);
        }

        public static class Usage
        {
            public static async Task Run(WebApplication app, IEventStream<IClockEvents> clock)
            {
                app.MapClockEvents();
                await clock.All.Tick(1, CancellationToken.None);
                await clock.Topic("any").Reset();
            }
        }
        """;

    /// <summary>Contracts nested in a class, internal, with typed and optional route parameters; two in one file.</summary>
    public const string Nested = """
        #pragma warning disable CS1591
        using System;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Routing;
        using TypedSse;

        namespace Nested.Feature;

        public static class Boards
        {
            [EventStream("/tenants/{tenant:guid}/boards/{id:int}/{view?}")]
            internal interface IBoardEvents
            {
                Task Moved(int card, int column);
            }

            [EventStream("~/flags/{enabled:bool}/{version:long?}/{*rest}")]
            public interface IFlagEvents : IBaseEvents
            {
                Task Changed(string name);
            }

            public interface IBaseEvents
            {
                Task Ping();

                [EventName("base-changed")]
                Task Changed(int version);
            }

            internal static async Task Run(IEndpointRouteBuilder app, IEventStream<IBoardEvents> boards, IEventStream<IFlagEvents> flags)
            {
                app.MapBoardEvents();
                app.MapFlagEvents();
                await boards.Route(Guid.Empty, 7, view: null).Moved(1, 2);
                await flags.Route(true, 3, "a/b").Changed("x");
                await flags.Route(false, null, null).Ping();
            }
        }
        """;

    /// <summary>C# keywords and names the generated code also uses.</summary>
    public const string Keywords = """
        #pragma warning disable CS1591
        using System.Threading.Tasks;
        using TypedSse;

        namespace @class.@event;

        [EventStream("/keywords/{event}/{class-name}/{stream}")]
        public interface IKeywordEvents
        {
            Task @event(string @class, int @int);
            Task @default(string writer, string state, string options, string _stream, string _audience);
            Task Publish(string stream, string audience);
        }

        public static class Usage
        {
            public static Task Run(IEventStream<IKeywordEvents> events) =>
                events.Route(@event: "e", className: "c", stream: "s").@event("a", 1);
        }
        """;

    private static string ReadShared(string name)
    {
        using var stream = typeof(Samples).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The shared test source {name} is not embedded in the test assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
