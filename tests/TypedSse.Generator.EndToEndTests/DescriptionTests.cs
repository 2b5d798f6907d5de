using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static TypedSse.Generator.EndToEndTests.Boards;

namespace TypedSse.Generator.EndToEndTests;

/// <summary>The OpenAPI document (Microsoft.AspNetCore.OpenApi with TypedSse.OpenApi) and the AsyncAPI document of a real app.</summary>
public sealed class DescriptionTests
{
    private static Task<Host> StartAsync() => Host.StartAsync(
        app =>
        {
            app.MapChatEvents().WithTags("chat").WithSummary("The chat of a room.").WithName("chatStream");
            app.MapBoardEvents().ExcludeFromDescription();
            app.MapPageEvents().RequireAuthorization();
            app.MapEventStream("/manual", "Manual");
            app.MapEventStreams("/events");
            app.MapPost("/messages", (ChatMessage message) => TypedResults.Ok(message));
            app.MapOpenApi();
            app.MapAsyncApiDocument();
        },
        builder =>
        {
            builder.Services.AddAuthentication();
            builder.Services.AddAuthorization();
            builder.Services.AddOpenApi(options => options.AddEventStreams());
        });

    private static async Task<JsonElement> GetJsonAsync(Host host, string path)
    {
        using var response = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static JsonElement Item(JsonElement operation) =>
        operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("text/event-stream").GetProperty("x-itemSchema");

    private static Dictionary<string, JsonElement> EventData(JsonElement item) =>
        item.GetProperty("oneOf").EnumerateArray().ToDictionary(
            static c => c.GetProperty("properties").GetProperty("event").TryGetProperty("const", out var name) ? name.GetString()! : c.GetProperty("properties").GetProperty("event").GetProperty("pattern").GetString()!,
            static c => c.GetProperty("properties").GetProperty("data"));

    [Fact]
    public async Task A_generated_stream_is_described_with_its_route_conventions_and_events()
    {
        await using var host = await StartAsync();
        var document = await GetJsonAsync(host, "/openapi/v1.json");
        var chat = document.GetProperty("paths").GetProperty("/rooms/{room}/events").GetProperty("get");

        Assert.Equal(["chat"], chat.GetProperty("tags").EnumerateArray().Select(static t => t.GetString()));
        Assert.Equal("The chat of a room.", chat.GetProperty("summary").GetString());
        Assert.Equal("chatStream", chat.GetProperty("operationId").GetString());
        var room = chat.GetProperty("parameters").EnumerateArray().Single(static p => p.GetProperty("in").GetString() == "path");
        Assert.Equal("room", room.GetProperty("name").GetString());
        Assert.True(room.GetProperty("required").GetBoolean());
        Assert.Contains(chat.GetProperty("parameters").EnumerateArray(), static p => p.GetProperty("name").GetString() == "Last-Event-ID" && p.GetProperty("in").GetString() == "header");

        var events = EventData(Item(chat));
        Assert.Equal(["typedsse:hello", "typedsse:reset", "typedsse:close", "messagePosted", "userJoined", "typing", "cleared"], events.Keys);
        Assert.Equal("application/json", events["messagePosted"].GetProperty("contentMediaType").GetString());
        Assert.Equal("#/components/schemas/ChatMessage", events["messagePosted"].GetProperty("contentSchema").GetProperty("$ref").GetString());
        var joined = events["userJoined"].GetProperty("contentSchema");
        Assert.Equal(["user", "at", "mood"], joined.GetProperty("properties").EnumerateObject().Select(static p => p.Name));
        Assert.Equal("#/components/schemas/Mood", joined.GetProperty("properties").GetProperty("mood").GetProperty("$ref").GetString());
        Assert.Equal("", events["cleared"].GetProperty("const").GetString());
    }

    [Fact]
    public async Task A_payload_type_has_one_schema_shared_with_the_rest_of_the_document()
    {
        await using var host = await StartAsync();
        var document = await GetJsonAsync(host, "/openapi/v1.json");

        var body = document.GetProperty("paths").GetProperty("/messages").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("#/components/schemas/ChatMessage", body.GetProperty("$ref").GetString());
        var message = document.GetProperty("components").GetProperty("schemas").GetProperty("ChatMessage");
        Assert.Equal(["user", "text", "sent"], message.GetProperty("properties").EnumerateObject().Select(static p => p.Name));
    }

    [Fact]
    public async Task Contract_docs_authorization_exclusion_and_untyped_streams_are_described()
    {
        await using var host = await StartAsync();
        var paths = (await GetJsonAsync(host, "/openapi/v1.json")).GetProperty("paths");

        Assert.False(paths.TryGetProperty("/boards/{board}/events", out _));
        var pages = paths.GetProperty("/pages/{page}/{sort}").GetProperty("get");
        Assert.Equal("Route parameters with defaults: a URL may leave them out, and the route scope takes null for them.", pages.GetProperty("summary").GetString());
        Assert.True(pages.GetProperty("responses").TryGetProperty("401", out _));
        var page = pages.GetProperty("parameters").EnumerateArray().Single(static p => p.GetProperty("name").GetString() == "page");
        Assert.Equal("integer", page.GetProperty("schema").GetProperty("type").GetString());

        var manual = paths.GetProperty("/manual").GetProperty("get");
        Assert.False(Item(manual).TryGetProperty("oneOf", out _));
        Assert.False(paths.GetProperty("/rooms/{room}/events").GetProperty("get").GetProperty("responses").TryGetProperty("401", out _));
    }

    [Fact]
    public async Task The_multiplexed_endpoint_is_described_with_the_events_of_every_stream()
    {
        await using var host = await StartAsync();
        var multiplexed = (await GetJsonAsync(host, "/openapi/v1.json")).GetProperty("paths").GetProperty("/events").GetProperty("get");

        var subscriptions = multiplexed.GetProperty("parameters").EnumerateArray().Single(static p => p.GetProperty("name").GetString() == "s");
        Assert.True(subscriptions.GetProperty("required").GetBoolean());
        Assert.Equal("array", subscriptions.GetProperty("schema").GetProperty("type").GetString());
        var events = EventData(Item(multiplexed));
        Assert.Contains("^[0-9]+:typedsse:reset$", events.Keys);
        Assert.Contains("^[0-9]+:messagePosted$", events.Keys);
        Assert.Contains("^[0-9]+:cardMoved$", events.Keys);
        Assert.Contains("^[0-9]+:shown$", events.Keys);
    }

    [Fact]
    public async Task The_app_serves_the_AsyncAPI_document_of_its_contracts()
    {
        await using var host = await StartAsync();
        var document = await GetJsonAsync(host, "/asyncapi.json");

        Assert.Equal("3.0.0", document.GetProperty("asyncapi").GetString());
        var channels = document.GetProperty("channels");
        Assert.Equal("/rooms/{room}/events", channels.GetProperty("Chat").GetProperty("address").GetString());
        Assert.Equal("/boards/{board}/events", channels.GetProperty("boards").GetProperty("address").GetString());
        var posted = document.GetProperty("components").GetProperty("messages").GetProperty("Chat.messagePosted");
        Assert.Equal("messagePosted", posted.GetProperty("name").GetString());
        Assert.Equal("#/components/schemas/ChatMessage", posted.GetProperty("payload").GetProperty("$ref").GetString());
        Assert.Equal(["user", "text", "sent"], document.GetProperty("components").GetProperty("schemas").GetProperty("ChatMessage").GetProperty("properties").EnumerateObject().Select(static p => p.Name));
    }
}
