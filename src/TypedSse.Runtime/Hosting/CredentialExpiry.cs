using System.Globalization;
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

    public static DateTimeOffset? Of(HttpContext context)
    {
        DateTimeOffset? earliest = null;
        if (context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true } result)
        {
            earliest = result.Properties?.ExpiresUtc;
        }
        foreach (var identity in context.User.Identities)
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
