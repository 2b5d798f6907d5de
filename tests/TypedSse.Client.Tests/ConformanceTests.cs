using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace TypedSse.Client.Tests;

/// <summary>
/// The event-stream conformance cases of the TypeScript parser's tests (src/TypedSse.TypeScript/test/event-stream-cases.json),
/// sent by a real Kestrel and read by the .NET client's request path (status, content type, SseParser, the hello's
/// keep-alive): whole, and one flushed byte at a time. The client delivers events with the last event id after each,
/// and keeps the last retry value for its next reconnect, so the cases' events and their last retry are compared;
/// comments are the parser's, which the client skips. Where a case records that SseParser departs from the standard (its <c>dotnet</c> entry),
/// the client gives what it records, so that a fixed SseParser fails here and the entry goes.
/// </summary>
public sealed class ConformanceTests(ConformanceTests.Server server) : IClassFixture<ConformanceTests.Server>
{
    private static readonly IReadOnlyList<Case> Cases = Load();

    public static TheoryData<string, string> Names()
    {
        var data = new TheoryData<string, string>();
        foreach (var @case in Cases)
        {
            data.Add($"{@case.Group}: {@case.Name}", "whole");
            data.Add($"{@case.Group}: {@case.Name}", "bytes");
        }

        return data;
    }

    [Fact]
    public void Every_shared_case_has_its_events_listed()
    {
        Assert.True(Cases.Count >= 30, $"only {Cases.Count} cases");
        Assert.All(Cases, static c => Assert.NotNull(c.Events));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task The_client_reads_each_shared_case_as_the_TypeScript_parser_does(string name, string chunking)
    {
        var index = Cases.ToList().FindIndex(c => $"{c.Group}: {c.Name}" == name);
        var client = new EventStreamClient(server.Host.Client, new EventStreamClientOptions { TimeProvider = new FakeTimeProvider() });
        var reader = new Recorder();
        TimeSpan? retry = null;
        using var timeout = new CancellationTokenSource(Wait.Long);

        var outcome = await StreamRequest.RunAsync(client, $"cases/{index}/{chunking}", null, reader, value => retry = value, timeout.Token, CancellationToken.None);

        Assert.True(outcome.Opened, $"{outcome.Status} {outcome.Error}");
        Assert.False(outcome.Stop);
        Assert.Null(outcome.Error);
        Assert.Equal(Cases[index].Events, reader.Events);
        if (Cases[index].Retries is { } retries)
        {
            Assert.Equal(retries.Count > 0 ? TimeSpan.FromMilliseconds(retries[^1]) : null, retry);
        }
    }

    private static List<Case> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Conformance", "event-stream-cases.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(static c => new Case(
            c.GetProperty("group").GetString()!,
            c.GetProperty("name").GetString()!,
            Bytes(c),
            Events(c.TryGetProperty("dotnet", out var dotnet) ? dotnet : c.GetProperty("expected")),
            Retries(c.GetProperty("expected")))).ToList();
    }

    private static List<long>? Retries(JsonElement expected) =>
        expected.TryGetProperty("retries", out var retries) ? retries.EnumerateArray().Select(static r => r.GetInt64()).ToList() : null;

    private static List<Event>? Events(JsonElement expected) =>
        expected.TryGetProperty("events", out var events)
            ? events.EnumerateArray().Select(static e => new Event(e.GetProperty("type").GetString()!, e.GetProperty("data").GetString()!, e.GetProperty("lastEventId").GetString()!)).ToList()
            : null;

    // Text as UTF-8, or pieces of text and byte values.
    private static byte[] Bytes(JsonElement @case)
    {
        if (@case.TryGetProperty("input", out var input))
        {
            return Encoding.UTF8.GetBytes(input.GetString()!);
        }

        return @case.GetProperty("bytes").EnumerateArray()
            .SelectMany(static piece => piece.ValueKind == JsonValueKind.String
                ? Encoding.UTF8.GetBytes(piece.GetString()!)
                : piece.EnumerateArray().Select(static b => b.GetByte()).ToArray())
            .ToArray();
    }

    private sealed record Case(string Group, string Name, byte[] Bytes, List<Event>? Events, List<long>? Retries);

    private sealed record Event(string Type, string Data, string LastEventId);

    private sealed class Recorder : IStreamReader
    {
        public List<Event> Events { get; } = [];

        public void Opened()
        {
        }

        public Task HandleAsync(SseItem<string> item, string lastEventId, CancellationToken stop)
        {
            Events.Add(new Event(item.EventType, item.Data, lastEventId));
            return Task.CompletedTask;
        }
    }

    /// <summary>Serves case <c>i</c> at <c>/cases/{i}/whole</c> in one write, and at <c>/cases/{i}/bytes</c> one flushed byte at a time.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public StreamHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await StreamHost.StartAsync(app => app.MapGet("/cases/{index:int}/{chunking}", async (HttpContext context, int index, string chunking) =>
        {
            context.Response.ContentType = "text/event-stream";
            var bytes = Cases[index].Bytes;
            if (chunking == "whole")
            {
                await context.Response.Body.WriteAsync(bytes);
                return;
            }

            for (var i = 0; i < bytes.Length; i++)
            {
                await context.Response.Body.WriteAsync(bytes.AsMemory(i, 1));
                await context.Response.Body.FlushAsync();
            }
        }));

        public Task DisposeAsync() => Host.DisposeAsync().AsTask();
    }
}
