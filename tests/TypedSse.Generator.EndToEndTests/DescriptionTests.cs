using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
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
            app.MapEventStream("/files/{name}.{ext?}", "Files");
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

    /// <summary>The streams behind cookies, a JWT bearer policy, and a scheme the app declared itself.</summary>
    private static Task<Host> StartSignedInAsync(bool declareCookies = false) => Host.StartAsync(
        app =>
        {
            app.MapChatEvents().RequireAuthorization("api");
            app.MapPageEvents().RequireAuthorization();
            app.MapEventStream("/manual", "Manual");
            app.MapEventStreams("/events");
            app.MapOpenApi();
        },
        builder =>
        {
            builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                .AddCookie(options => options.Cookie.Name = "session")
                .AddJwtBearer();
            builder.Services.AddAuthorization(options => options.AddPolicy("api", policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser()));
            builder.Services.AddOpenApi(options =>
            {
                if (declareCookies)
                {
                    options.AddDocumentTransformer((document, _, _) =>
                    {
                        document.Components ??= new OpenApiComponents();
                        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                        document.Components.SecuritySchemes["Cookies"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = "session", Description = "Ours." };
                        return Task.CompletedTask;
                    });
                }

                options.AddEventStreams();
            });
        });

    private static async Task<JsonElement> GetJsonAsync(Host host, string path)
    {
        using var response = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Validates a document with the parsers of tests/Descriptions.Tests (@readme/openapi-parser, @asyncapi/parser).</summary>
    private static async Task ValidateAsync(string kind, JsonElement document)
    {
        var file = Path.Combine(Path.GetTempPath(), $"typedsse-{kind}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document.GetRawText());
        try
        {
            await DotNet.RunProgramAsync("node", Path.Combine(DotNet.RepositoryRoot, "tests", "Descriptions.Tests"), null, "validate.mjs", kind, file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string[][] Security(JsonElement operation) => operation.TryGetProperty("security", out var security)
        ? [.. security.EnumerateArray().Select(static r => r.EnumerateObject().Select(static s => s.Name).ToArray())]
        : [];

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

    [Fact]
    public async Task A_stream_that_requires_authorization_has_a_security_requirement_per_scheme_that_admits_its_user()
    {
        await using var host = await StartSignedInAsync();
        var document = await GetJsonAsync(host, "/openapi/v1.json");
        await ValidateAsync("openapi", document);
        var paths = document.GetProperty("paths");

        // The policy's own scheme; the default scheme for RequireAuthorization(); nothing for an anonymous stream.
        Assert.Equal([["Bearer"]], Security(paths.GetProperty("/rooms/{room}/events").GetProperty("get")));
        Assert.Equal([["Cookies"]], Security(paths.GetProperty("/pages/{page}/{sort}").GetProperty("get")));
        Assert.Empty(Security(paths.GetProperty("/manual").GetProperty("get")));
        Assert.True(paths.GetProperty("/rooms/{room}/events").GetProperty("get").GetProperty("responses").TryGetProperty("401", out _));
        // The multiplexed endpoint answers anyone; a subscription to a signed-in stream needs its scheme.
        Assert.Equal([[], ["Bearer"], ["Cookies"]], Security(paths.GetProperty("/events").GetProperty("get")));

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var bearer = schemes.GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.Equal("JWT", bearer.GetProperty("bearerFormat").GetString());
        var cookies = schemes.GetProperty("Cookies");
        Assert.Equal("apiKey", cookies.GetProperty("type").GetString());
        Assert.Equal("cookie", cookies.GetProperty("in").GetString());
        Assert.Equal("session", cookies.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_security_scheme_the_app_declared_is_referred_to_as_it_is()
    {
        await using var host = await StartSignedInAsync(declareCookies: true);
        var document = await GetJsonAsync(host, "/openapi/v1.json");

        Assert.Equal([["Cookies"]], Security(document.GetProperty("paths").GetProperty("/pages/{page}/{sort}").GetProperty("get")));
        Assert.Equal("Ours.", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Cookies").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Without_a_scheme_that_says_how_to_authenticate_a_stream_has_its_401_and_no_security()
    {
        await using var host = await StartAsync();
        var pages = (await GetJsonAsync(host, "/openapi/v1.json")).GetProperty("paths").GetProperty("/pages/{page}/{sort}").GetProperty("get");

        Assert.True(pages.GetProperty("responses").TryGetProperty("401", out _));
        Assert.Empty(Security(pages));
    }

    [Fact]
    public async Task A_route_value_that_may_be_left_out_gives_the_stream_a_path_without_it()
    {
        await using var host = await StartAsync();
        var document = await GetJsonAsync(host, "/openapi/v1.json");
        await ValidateAsync("openapi", document);
        var paths = document.GetProperty("paths");

        string[] PathParameters(string path) => [.. paths.GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Where(static p => p.GetProperty("in").GetString() == "path")
            .Select(static p => p.GetProperty("required").GetBoolean() ? p.GetProperty("name").GetString()! : throw new Xunit.Sdk.XunitException("A path parameter is not required."))];
        Assert.Equal(["page", "sort"], PathParameters("/pages/{page}/{sort}"));
        Assert.Equal(["page"], PathParameters("/pages/{page}"));
        Assert.Empty(PathParameters("/pages"));
        var shortest = paths.GetProperty("/pages").GetProperty("get");
        Assert.Contains("{page} (the route takes its default, 01), {sort} (the route takes its default, new)", shortest.GetProperty("description").GetString());
        Assert.Equal(
            Item(paths.GetProperty("/pages/{page}/{sort}").GetProperty("get")).GetRawText(),
            Item(shortest).GetRawText());
        Assert.False(paths.TryGetProperty("/rooms", out _));

        // {name}.{ext?}: the period goes with the extension.
        Assert.Equal(["name", "ext"], PathParameters("/files/{name}.{ext}"));
        Assert.Equal(["name"], PathParameters("/files/{name}"));
    }

    [Fact]
    public async Task The_served_AsyncAPI_document_names_the_app_as_its_server_and_describes_the_multiplexed_endpoint()
    {
        await using var host = await StartAsync();
        var document = await GetJsonAsync(host, "/asyncapi.json");
        await ValidateAsync("asyncapi", document);

        var server = document.GetProperty("servers").GetProperty("app");
        Assert.Equal(host.Client.BaseAddress!.Authority, server.GetProperty("host").GetString());
        Assert.Equal("http", server.GetProperty("protocol").GetString());
        Assert.False(server.TryGetProperty("pathname", out _));

        var channel = document.GetProperty("channels").GetProperty("multiplexed");
        Assert.Equal("/events", channel.GetProperty("address").GetString());
        var messages = document.GetProperty("components").GetProperty("messages");
        string[] names = [.. channel.GetProperty("messages").EnumerateObject()
            .Select(m => messages.GetProperty(m.Value.GetProperty("$ref").GetString()!.Split('/')[^1]).GetProperty("name").GetString()!)];
        Assert.Equal(["typedsse:hello", "typedsse:close", "<i>:typedsse:reset", "<i>:typedsse:refused"], names[..4]);
        Assert.Contains("<i>:messagePosted", names);
        Assert.Contains("<i>:cardMoved", names);
        Assert.Contains("<i>:shown", names);
        Assert.Equal(
            messages.GetProperty("Chat.messagePosted").GetProperty("payload").GetRawText(),
            messages.GetProperty("multiplexed.Chat.messagePosted").GetProperty("payload").GetRawText());
        Assert.Contains("subscriptions", messages.GetProperty("multiplexed.typedsse.hello").GetProperty("payload").GetProperty("required").EnumerateArray().Select(static r => r.GetString()));

        var operation = document.GetProperty("operations").GetProperty("streamMultiplexed").GetProperty("bindings").GetProperty("http");
        Assert.Equal("GET", operation.GetProperty("method").GetString());
        Assert.Equal(["s"], operation.GetProperty("query").GetProperty("required").EnumerateArray().Select(static r => r.GetString()));
    }

    [Fact]
    public async Task The_served_AsyncAPI_document_has_the_path_base_and_scheme_of_the_request()
    {
        await using var host = await Host.StartAsync(app =>
        {
            app.UsePathBase("/chat");
            app.Use((context, next) =>
            {
                context.Request.Scheme = "https";
                return next(context);
            });
            app.UseRouting();
            app.MapChatEvents();
            app.MapGroup("/api").MapEventStreams("/events");
            app.MapAsyncApiDocument();
        });
        var document = await GetJsonAsync(host, "/chat/asyncapi.json");

        var server = document.GetProperty("servers").GetProperty("app");
        Assert.Equal("https", server.GetProperty("protocol").GetString());
        Assert.Equal("/chat", server.GetProperty("pathname").GetString());
        Assert.Equal("/api/events", document.GetProperty("channels").GetProperty("multiplexed").GetProperty("address").GetString());
        Assert.Equal("/rooms/{room}/events", document.GetProperty("channels").GetProperty("Chat").GetProperty("address").GetString());
    }
}
