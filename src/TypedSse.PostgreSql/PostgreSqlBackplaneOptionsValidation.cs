using Microsoft.Extensions.Options;
using Npgsql;

namespace TypedSse.PostgreSql;

internal sealed class PostgreSqlBackplaneOptionsValidation : IValidateOptions<PostgreSqlBackplaneOptions>
{
    public const int MaxSchemaNameLength = 50;

    public ValidateOptionsResult Validate(string? name, PostgreSqlBackplaneOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("ConnectionString is empty; pass the Npgsql connection string of the event log's database to AddPostgreSqlBackplane.");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"ConnectionString is not a valid Npgsql connection string: {ex.Message}");
            }
        }
        if (!IsValidSchemaName(options.SchemaName))
        {
            failures.Add($"SchemaName is \"{options.SchemaName}\"; use a lower-case letter or underscore followed by lower-case letters, digits or underscores, at most {MaxSchemaNameLength} characters, such as \"typedsse\".");
        }
        if (options.HistorySize is < 1)
        {
            failures.Add($"HistorySize is {options.HistorySize}; use a positive count of events per stream, or null for no count limit.");
        }
        if (options.HistoryMaxAge is { } age && age <= TimeSpan.Zero)
        {
            failures.Add($"HistoryMaxAge is {age}; use a positive age, or null for no age limit.");
        }
        if (options.PruneInterval <= TimeSpan.Zero || options.PruneInterval.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"PruneInterval is {options.PruneInterval}; use a positive interval of at most {int.MaxValue} ms (the default is 1 minute).");
        }
        if (options.ReconnectDelay <= TimeSpan.Zero || options.ReconnectDelay.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"ReconnectDelay is {options.ReconnectDelay}; use a positive delay of at most {int.MaxValue} ms (the default is 2 seconds).");
        }
        if (options.PruneBatchSize < 1)
        {
            failures.Add($"PruneBatchSize is {options.PruneBatchSize}; use a positive count (the default is 10000).");
        }
        if (options.ReadBatchSize < 1)
        {
            failures.Add($"ReadBatchSize is {options.ReadBatchSize}; use a positive count (the default is 1000).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidSchemaName(string? schema) =>
        !string.IsNullOrEmpty(schema)
        && schema.Length <= MaxSchemaNameLength
        && schema[0] is (>= 'a' and <= 'z') or '_'
        && schema.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
