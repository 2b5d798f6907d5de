using Microsoft.Extensions.Options;

namespace TypedSse.Hosting;

internal sealed class TypedSseOptionsValidation : IValidateOptions<TypedSseOptions>
{
    public ValidateOptionsResult Validate(string? name, TypedSseOptions options)
    {
        var failures = new List<string>();
        if (options.KeepAliveInterval < TimeSpan.Zero)
        {
            failures.Add($"KeepAliveInterval is {options.KeepAliveInterval}; use a positive interval, or TimeSpan.Zero to turn pings off.");
        }
        if (options.RetryInterval < TimeSpan.Zero || options.RetryInterval.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"RetryInterval is {options.RetryInterval}; use a non-negative interval of at most {int.MaxValue} ms.");
        }
        if (options.ShutdownReconnectSpread < TimeSpan.Zero || (options.RetryInterval + options.ShutdownReconnectSpread).TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"ShutdownReconnectSpread is {options.ShutdownReconnectSpread}; use a non-negative window (TimeSpan.Zero sends no spread retry), with RetryInterval at most {int.MaxValue} ms in all.");
        }
        if (options.HistorySize < 0)
        {
            failures.Add($"HistorySize is {options.HistorySize}; use 0 to keep no history, or a positive count.");
        }
        if (options.HistoryMaxAge is { } age && age <= TimeSpan.Zero)
        {
            failures.Add($"HistoryMaxAge is {age}; use a positive age, or null for no age limit.");
        }
        if (options.MaxQueuedEventsPerConnection < 1)
        {
            failures.Add($"MaxQueuedEventsPerConnection is {options.MaxQueuedEventsPerConnection}; use a positive count (the default is 1024).");
        }
        if (options.MaxSubscriptionsPerConnection is < 1 or > 1000)
        {
            failures.Add($"MaxSubscriptionsPerConnection is {options.MaxSubscriptionsPerConnection}; use a count from 1 to 1000 (the default is 32).");
        }
        if (!Enum.IsDefined(options.SlowConsumerPolicy))
        {
            failures.Add($"SlowConsumerPolicy is {options.SlowConsumerPolicy}; use Disconnect, DropNewest or DropOldest.");
        }
        foreach (var (option, value) in new[] { ("MaxConnections", options.MaxConnections), ("MaxConnectionsPerUser", options.MaxConnectionsPerUser), ("MaxConnectionsPerAddress", options.MaxConnectionsPerAddress) })
        {
            if (value < 1)
            {
                failures.Add($"{option} is {value}; use a positive count, or null for the default.");
            }
        }
        if (options.RevalidateCredentialsInterval is { } revalidate && (revalidate < TimeSpan.FromSeconds(1) || revalidate.TotalMilliseconds > uint.MaxValue - 1))
        {
            failures.Add($"RevalidateCredentialsInterval is {revalidate}; use at least 1 second (each check authenticates every open stream again), or null to not re-validate.");
        }
        if (options.LimitRetryAfter < TimeSpan.FromSeconds(1) || options.LimitRetryAfter > TimeSpan.FromHours(1))
        {
            failures.Add($"LimitRetryAfter is {options.LimitRetryAfter}; use from 1 second to 1 hour (the default is 5 seconds).");
        }
        if (options.UserIdSelector is null)
        {
            failures.Add("UserIdSelector is null; set a function that returns the user id of a ClaimsPrincipal.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
