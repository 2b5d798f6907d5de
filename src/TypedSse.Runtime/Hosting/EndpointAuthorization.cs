using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSse.Hosting;

/// <summary>An endpoint's authorization metadata, evaluated as the authorization middleware would.</summary>
internal static class EndpointAuthorization
{
    /// <returns>Null if allowed, else 401 or 403; and the authentication the endpoint's policy made, if any.</returns>
    public static async ValueTask<(int? RefusedWith, AuthenticateResult? Authentication)> AuthorizeAsync(HttpContext context, Endpoint endpoint)
    {
        var authorizeData = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
        var policyObjects = endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>();
        var services = context.RequestServices;
        var policyProvider = services.GetService<IAuthorizationPolicyProvider>();
        if (policyProvider is null)
        {
            if (authorizeData.Count == 0 && policyObjects.Count == 0)
            {
                return (null, null);
            }
            throw new InvalidOperationException(
                $"The event stream at {(endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint.DisplayName} requires authorization, but authorization services are not registered. Call builder.Services.AddAuthorization().");
        }

        var policy = await AuthorizationPolicy.CombineAsync(policyProvider, authorizeData, policyObjects).ConfigureAwait(false)
            ?? await policyProvider.GetFallbackPolicyAsync().ConfigureAwait(false);
        if (policy is null)
        {
            return (null, null);
        }
        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return (null, authentication);
        }
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, resource: context).ConfigureAwait(false);
        int? refused = authorization.Succeeded ? null
            : authorization.Challenged ? StatusCodes.Status401Unauthorized
            : StatusCodes.Status403Forbidden;
        return (refused, authentication);
    }
}
