using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TypedSse.Redis;

internal sealed class RedisBackplaneOptionsValidation : IValidateOptions<RedisBackplaneOptions>
{
    public const int MaxKeyPrefixLength = 50;

    public ValidateOptionsResult Validate(string? name, RedisBackplaneOptions options)
    {
        var failures = new List<string>();
        if (options.Configuration.Length > 0)
        {
            try
            {
                _ = ConfigurationOptions.Parse(options.Configuration);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"Configuration is not a valid StackExchange.Redis configuration string: {ex.Message}");
            }
        }
        if (!IsValidKeyPrefix(options.KeyPrefix))
        {
            failures.Add($"KeyPrefix is \"{options.KeyPrefix}\"; use 1 to {MaxKeyPrefixLength} letters, digits, '_', '-', '.' or ':', such as \"typedsse\".");
        }
        if (options.HistorySize is < 1)
        {
            failures.Add($"HistorySize is {options.HistorySize}; use a positive count of events per stream, or null for no count limit.");
        }
        if (options.HistoryMaxAge is { } age && age < TimeSpan.FromMilliseconds(1))
        {
            failures.Add($"HistoryMaxAge is {age}; use an age of at least 1 ms, or null for no age limit.");
        }
        if (options.ReconnectDelay <= TimeSpan.Zero || options.ReconnectDelay.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"ReconnectDelay is {options.ReconnectDelay}; use a positive delay of at most {int.MaxValue} ms (the default is 2 seconds).");
        }
        if (options.ReadBatchSize < 1)
        {
            failures.Add($"ReadBatchSize is {options.ReadBatchSize}; use a positive count (the default is 1000).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidKeyPrefix(string? prefix) =>
        !string.IsNullOrEmpty(prefix)
        && prefix.Length <= MaxKeyPrefixLength
        && prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':');
}
