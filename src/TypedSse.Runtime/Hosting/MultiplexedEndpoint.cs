using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TypedSse.Diagnostics;

namespace TypedSse.Hosting;

/// <summary>
/// Serves many streams in one response (docs/protocol.md, "One connection for many streams"): each <c>s</c> query
/// parameter names a subscription by the path of its stream's endpoint, and goes through what that endpoint applies.
/// </summary>
internal sealed class MultiplexedEndpoint(EventStreamServer server, StreamDirectory directory, string pattern)
{
    public const string SubscriptionParameter = "s";

    public async Task HandleAsync(HttpContext context)
    {
        if (!server.Negotiate(context, pattern))
        {
            return;
        }
        if (ReadPaths(context.Request, server.Options.MaxSubscriptionsPerConnection, out string? problem) is not { } paths)
        {
            Log.MultiplexedRequestRejected(server.Logger, StatusCodes.Status400BadRequest, problem!);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(problem!).ConfigureAwait(false);
            return;
        }

        var cursor = server.LastEventIds.ReadCursor(context.Request, paths.Length, pattern);
        var requests = new SubscriptionRequest[paths.Length];
        bool anyAdmitted = false;
        for (int i = 0; i < paths.Length; i++)
        {
            requests[i] = await directory.AdmitAsync(context, paths[i], cursor[i]).ConfigureAwait(false);
            anyAdmitted |= requests[i].Admitted is not null;
            server.Metrics.SubscriptionRequested(requests[i].Admitted?.Endpoint.StreamName, requests[i].RefusedWith);
        }

        if (!anyAdmitted)
        {
            await RefuseAllAsync(context, requests).ConfigureAwait(false);
            return;
        }
        await server.ServeAsync(context, requests, multiplexed: true).ConfigureAwait(false);
    }

    /// <summary>Reads the subscriptions' paths, or says what is wrong with them.</summary>
    private string[]? ReadPaths(HttpRequest request, int max, out string? problem)
    {
        var values = request.Query[SubscriptionParameter];
        problem = null;
        if (values.Count == 0)
        {
            problem = $"Name the streams to subscribe to, each as an '{SubscriptionParameter}' query parameter holding the path of its endpoint: {pattern}?s=/rooms/lobby/events&s=/news/events.";
        }
        else if (values.Count > max)
        {
            problem = $"{values.Count} subscriptions were asked for; at most {max} are allowed on one connection (TypedSseOptions.MaxSubscriptionsPerConnection).";
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string? path in values)
            {
                if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Contains('?') || path.Contains('#'))
                {
                    problem = $"The subscription \"{Printable.Of(path ?? "")}\" is not a path: give the path of a stream's endpoint, starting with '/', without a query, such as /rooms/lobby/events.";
                    break;
                }
                if (!seen.Add(path))
                {
                    problem = $"The subscription \"{Printable.Of(path)}\" is listed twice; list each path once.";
                    break;
                }
            }
        }

        return problem is null ? Array.ConvertAll(values.ToArray(), path => path!) : null;
    }

    /// <summary>
    /// Ends a request whose every subscription was refused with the status a single endpoint would give: 401 if any
    /// needs authentication, else the first one's; the JSON body says each subscription's status.
    /// </summary>
    private async Task RefuseAllAsync(HttpContext context, SubscriptionRequest[] requests)
    {
        int status = requests.Any(r => r.RefusedWith == StatusCodes.Status401Unauthorized) ? StatusCodes.Status401Unauthorized : requests[0].RefusedWith;
        Log.MultiplexedRequestRejected(server.Logger, status, "every subscription was refused");
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status204NoContent)
        {
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteStartArray("refused");
        for (int i = 0; i < requests.Length; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("subscription", i);
            json.WriteString("path", requests[i].Path);
            json.WriteNumber("status", requests[i].RefusedWith);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
