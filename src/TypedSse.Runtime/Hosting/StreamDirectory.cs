using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.AspNetCore.Routing;

namespace TypedSse.Hosting;

/// <summary>
/// The app's mapped stream endpoints, found by path: a multiplexed subscription goes through what a request to its
/// endpoint would, its route constraints, its authorization metadata and its admission.
/// </summary>
internal sealed class StreamDirectory(EndpointDataSource endpoints, ParameterPolicyFactory policies)
{
    private IReadOnlyList<Endpoint>? _indexed;
    private Entry[] _entries = [];

    /// <summary>Admits the subscription at <paramref name="path"/>, or refuses it with the status its endpoint would answer.</summary>
    public async ValueTask<SubscriptionRequest> AdmitAsync(HttpContext context, string path, long? lastEventId)
    {
        var routeValues = new RouteValueDictionary();
        if (Match(context, path, routeValues) is not { } entry)
        {
            return SubscriptionRequest.Refuse(path, StatusCodes.Status404NotFound);
        }
        // The endpoint's policy may authenticate with schemes of its own, which replaces the request's user: this
        // subscription is admitted as that user, and the next one starts from the request's own again, with the
        // request's authentication result (its expiry) as it was: setting the user clears it.
        var requestUser = context.User;
        var authentication = context.Features.Get<IAuthenticateResultFeature>();
        var requestAuthentication = authentication?.AuthenticateResult;
        try
        {
            var (refused, policyAuthentication) = await EndpointAuthorization.AuthorizeAsync(context, entry.Endpoint).ConfigureAwait(false);
            if (refused is int status)
            {
                return SubscriptionRequest.Refuse(path, status);
            }
            // A policy with schemes of its own authenticated this subscription: its credentials' expiry is the ticket's.
            var expiresAt = policyAuthentication is { Succeeded: true } ? CredentialExpiry.Of(policyAuthentication, context.User) : null;
            var request = await entry.Stream.AdmitAsync(context, path, routeValues, lastEventId).ConfigureAwait(false);
            return request.Admitted is { } admitted
                ? request with { Admitted = admitted with { RouteEndpoint = entry.Endpoint, CredentialsExpireAt = expiresAt } }
                : request;
        }
        finally
        {
            if (!ReferenceEquals(context.User, requestUser))
            {
                context.User = requestUser;
                if (authentication is not null && requestAuthentication is not null)
                {
                    authentication.AuthenticateResult = requestAuthentication;
                }
            }
        }
    }

    private Entry? Match(HttpContext context, string path, RouteValueDictionary routeValues)
    {
        var pathString = PathString.FromUriComponent(path);
        foreach (var entry in Entries())
        {
            routeValues.Clear();
            if (entry.Matcher.TryMatch(pathString, routeValues) && entry.Constraints.All(c => c.Constraint.Match(context, null, c.Parameter, routeValues, RouteDirection.IncomingRequest)))
            {
                return entry;
            }
        }
        return null;
    }

    private Entry[] Entries()
    {
        var current = endpoints.Endpoints;
        if (ReferenceEquals(Volatile.Read(ref _indexed), current))
        {
            return Volatile.Read(ref _entries);
        }
        var entries = current
            .OfType<RouteEndpoint>()
            .Select(endpoint => (endpoint, stream: endpoint.Metadata.GetMetadata<StreamEndpointMetadata>()?.Stream))
            .Where(e => e.stream is not null)
            .OrderBy(e => e.endpoint.Order)
            .ThenBy(e => RoutePrecedence.ComputeInbound(new RouteTemplate(e.endpoint.RoutePattern)))
            .Select(e => new Entry(e.endpoint, e.stream!, new TemplateMatcher(new RouteTemplate(e.endpoint.RoutePattern), new RouteValueDictionary(e.endpoint.RoutePattern.Defaults)), ConstraintsOf(e.endpoint.RoutePattern)))
            .ToArray();
        Volatile.Write(ref _entries, entries);
        Volatile.Write(ref _indexed, current);
        return entries;
    }

    private (string Parameter, IRouteConstraint Constraint)[] ConstraintsOf(RoutePattern pattern) =>
        pattern.ParameterPolicies
            .SelectMany(parameter => parameter.Value.Select(reference =>
                (parameter.Key, policy: policies.Create(pattern.GetParameter(parameter.Key), reference))))
            .Where(p => p.policy is IRouteConstraint)
            .Select(p => (p.Key, (IRouteConstraint)p.policy))
            .ToArray();

    private sealed record Entry(RouteEndpoint Endpoint, StreamEndpoint Stream, TemplateMatcher Matcher, (string Parameter, IRouteConstraint Constraint)[] Constraints);
}

/// <summary>Marks the endpoint of a named stream, so that a multiplexed request can find it by path.</summary>
internal sealed class StreamEndpointMetadata(StreamEndpoint stream)
{
    public StreamEndpoint Stream { get; } = stream;
}
