using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace TypedSse.Hosting;

/// <summary>
/// When the credentials a request was authenticated with stop being valid: the earliest of the authentication
/// ticket's <see cref="AuthenticationProperties.ExpiresUtc"/> (a cookie ticket, or a JWT bearer token's lifetime)
/// and the <c>exp</c> claim (seconds since the Unix epoch) of any authenticated identity.
/// </summary>
internal static class CredentialExpiry
{
    public const string ExpirationClaim = "exp";

    public static DateTimeOffset? Of(HttpContext context) =>
        Of(context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult, context.User);

    /// <summary>The expiry of <paramref name="result"/>'s ticket if it succeeded, or of an <c>exp</c> claim of <paramref name="user"/>, whichever is first.</summary>
    public static DateTimeOffset? Of(AuthenticateResult? result, ClaimsPrincipal user)
    {
        DateTimeOffset? earliest = result is { Succeeded: true } ? result.Properties?.ExpiresUtc : null;
        foreach (var identity in user.Identities)
        {
            if (identity.IsAuthenticated && identity.FindFirst(ExpirationClaim)?.Value is { } exp
                && long.TryParse(exp, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds)
                && seconds is > 0 and < 253_402_300_800)
            {
                var expires = DateTimeOffset.FromUnixTimeSeconds(seconds);
                if (earliest is null || expires < earliest)
                {
                    earliest = expires;
                }
            }
        }
        return earliest;
    }
}
