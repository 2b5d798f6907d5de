using Microsoft.AspNetCore.Routing;

namespace TypedSse.Hosting;

/// <summary>A subscription its stream endpoint admitted: who the client is, what it listens to, and where it resumes.</summary>
internal sealed record AdmittedSubscription(StreamEndpoint Endpoint, RouteValueDictionary RouteValues, string? UserId, HashSet<string> Topics, long? LastEventId)
{
    /// <summary>The endpoint a multiplexed subscription was found at, whose authorization it passed; null for the request's own.</summary>
    public RouteEndpoint? RouteEndpoint { get; init; }

    /// <summary>When the credentials a multiplexed subscription's own policy authenticated with expire, if they do.</summary>
    public DateTimeOffset? CredentialsExpireAt { get; init; }
}

/// <summary>One subscription a response was asked for: admitted, or refused with the status its own endpoint would answer.</summary>
internal readonly record struct SubscriptionRequest(string Path, AdmittedSubscription? Admitted, int RefusedWith)
{
    public static SubscriptionRequest Refuse(string path, int statusCode) => new(path, null, statusCode);
}
