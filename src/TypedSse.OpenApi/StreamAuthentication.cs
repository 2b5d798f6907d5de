using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSse.OpenApi;

/// <summary>
/// Who may open a stream: the authentication schemes its authorization admits a user with (those its policies name,
/// or else the app's default), and whether an anonymous request is answered too.
/// </summary>
internal sealed record StreamAuthentication(IReadOnlyList<string> Schemes, bool AllowsAnonymous)
{
    /// <summary>The key of the operation's metadata (not written to the document) that holds it.</summary>
    public const string MetadataKey = "typedsse:authentication";

    public static bool IsRequired(IReadOnlyList<object> metadata) =>
        metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();

    /// <summary>The schemes that authenticate a request to an endpoint that requires authorization.</summary>
    public static async Task<IReadOnlyList<string>> SchemesAsync(IReadOnlyList<object> metadata, IServiceProvider services)
    {
        if (services.GetService<IAuthorizationPolicyProvider>() is { } policies
            && await AuthorizationPolicy.CombineAsync(policies, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>()).ConfigureAwait(false) is { AuthenticationSchemes.Count: > 0 } policy)
        {
            return policy.AuthenticationSchemes.Distinct(StringComparer.Ordinal).ToList();
        }

        return services.GetService<IAuthenticationSchemeProvider>() is { } schemes
            && await schemes.GetDefaultAuthenticateSchemeAsync().ConfigureAwait(false) is { } scheme
            ? [scheme.Name]
            : [];
    }
}
