namespace TypedSse.PostgreSql;

/// <summary>
/// Options of the PostgreSQL backplane. Configure them with
/// <c>services.AddTypedSse().AddPostgreSqlBackplane(connectionString, options => …)</c>.
/// </summary>
public sealed class PostgreSqlBackplaneOptions
{
    /// <summary>The Npgsql connection string of the database that holds the event log. Every instance uses the same database.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The schema of the event log's tables, created on start if missing. It also names the notification channel, so
    /// apps that share a database but not their streams use different schemas. A lower-case letter or underscore,
    /// then lower-case letters, digits or underscores, at most 50 characters. Default <c>typedsse</c>.
    /// </summary>
    public string SchemaName { get; set; } = "typedsse";

    /// <summary>
    /// How many recent events each stream keeps for Last-Event-ID replay, or null for no count limit. Default 10,000.
    /// </summary>
    /// <remarks><see cref="TypedSseOptions.HistorySize"/> applies to the in-memory history only.</remarks>
    public int? HistorySize { get; set; } = 10_000;

    /// <summary>How long an event is kept for replay, or null for no age limit. Default 1 day.</summary>
    /// <remarks><see cref="TypedSseOptions.HistoryMaxAge"/> applies to the in-memory history only.</remarks>
    public TimeSpan? HistoryMaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the pruner deletes the events that fall outside the history. Default 1 minute.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most events of one stream that one pruning statement deletes; a larger backlog is deleted in several short
    /// transactions. Default 10,000.
    /// </summary>
    public int PruneBatchSize { get; set; } = 10_000;

    /// <summary>
    /// How long to wait before reconnecting after the database connection is lost, and between retries of a read that
    /// failed. Default 2 seconds.
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many events of one stream are read from the database at a time for delivery. Default 1,000.</summary>
    public int ReadBatchSize { get; set; } = 1000;
}
