using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

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
        // subscription is admitted as that user, and the next one starts from the request's own again.
        var requestUser = context.User;
        try
        {
            if (await AuthorizeAsync(context, entry.Endpoint).ConfigureAwait(false) is int refused)
            {
                return SubscriptionRequest.Refuse(path, refused);
            }
            return await entry.Stream.AdmitAsync(context, path, routeValues, lastEventId).ConfigureAwait(false);
        }
        finally
        {
            context.User = requestUser;
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

    /// <summary>Evaluates the endpoint's authorization metadata as the authorization middleware would.</summary>
    /// <returns>Null if allowed, else 401 or 403.</returns>
    private static async ValueTask<int?> AuthorizeAsync(HttpContext context, RouteEndpoint endpoint)
    {
        var authorizeData = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
        var policyObjects = endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>();
        var services = context.RequestServices;
        var policyProvider = services.GetService<IAuthorizationPolicyProvider>();
        if (policyProvider is null)
        {
            if (authorizeData.Count == 0 && policyObjects.Count == 0)
            {
                return null;
            }
            throw new InvalidOperationException(
                $"The event stream at {endpoint.RoutePattern.RawText} requires authorization, but authorization services are not registered. Call builder.Services.AddAuthorization().");
        }

        var policy = await AuthorizationPolicy.CombineAsync(policyProvider, authorizeData, policyObjects).ConfigureAwait(false)
            ?? await policyProvider.GetFallbackPolicyAsync().ConfigureAwait(false);
        if (policy is null)
        {
            return null;
        }
        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return null;
        }
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, resource: context).ConfigureAwait(false);
        return authorization.Succeeded ? null
            : authorization.Challenged ? StatusCodes.Status401Unauthorized
            : StatusCodes.Status403Forbidden;
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
