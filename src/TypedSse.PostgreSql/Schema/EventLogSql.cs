namespace TypedSse.PostgreSql.Schema;

/// <summary>Every statement of the backplane, written once per schema. Parameters are positional.</summary>
internal sealed class EventLogSql
{
    public EventLogSql(string schema)
    {
        // The schema name is validated to [a-z_][a-z0-9_]*, so quoting is only a second line of defence.
        string s = $"\"{schema}\"";
        Schema = schema;
        Channel = $"{schema}_events";
        CloseUserChannel = $"{schema}_close_user";
        SchemaLockKey = $"typedsse:{schema}:schema";
        StreamLockKey = $"typedsse:{schema}:stream";
        PruneLockKey = $"typedsse:{schema}:prune";

        LockSchema = "SELECT pg_advisory_xact_lock(hashtext($1), 0)";
        SchemaExists = "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)";
        CreateSchema = $"CREATE SCHEMA {s}";
        CreateVersionTable = $"""
            CREATE TABLE {s}.schema_version (
                version int PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
            );
            """;
        VersionTableExists = $"SELECT to_regclass('{s}.schema_version') IS NOT NULL";
        ReadVersion = $"SELECT coalesce(max(version), 0) FROM {s}.schema_version";
        RecordVersion = $"INSERT INTO {s}.schema_version (version) VALUES ($1)";

        // Ids start at the Unix time in microseconds, like the in-memory history, so an id from an earlier database
        // or from the in-memory history is recognised as unknown instead of being mistaken for a recent one.
        CreateTables = firstId => $"""
            CREATE TABLE {s}.events (
                id bigint GENERATED ALWAYS AS IDENTITY (START WITH {firstId}),
                stream text NOT NULL,
                event_name text,
                topic text,
                user_id text,
                connection_id text,
                data bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (stream, id)
            );
            CREATE INDEX events_stream_created_at ON {s}.events (stream, created_at);
            CREATE TABLE {s}.streams (
                name text PRIMARY KEY,
                first_id bigint NOT NULL,
                last_id bigint NOT NULL,
                pruned_through bigint NOT NULL
            );
            """;

        // See PostgreSqlEventLog.PublishAsync for why the lock comes first.
        LockStream = "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))";
        InsertEvent = $"""
            WITH inserted AS (
                INSERT INTO {s}.events (stream, event_name, topic, user_id, connection_id, data, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $8)
                RETURNING id, created_at
            ), stream AS (
                INSERT INTO {s}.streams AS st (name, first_id, last_id, pruned_through)
                SELECT $1, id, id, id - 1 FROM inserted
                ON CONFLICT (name) DO UPDATE SET last_id = EXCLUDED.last_id
            )
            SELECT id, created_at, pg_notify($7, CASE WHEN octet_length($1) <= {NewEventNotice.MaxStreamBytes} THEN '{NewEventNotice.Prefix}' || $1 ELSE '' END)
            FROM inserted
            """;

        ReadStream = $"""
            SELECT first_id, last_id, pruned_through,
                   EXISTS (SELECT 1 FROM {s}.events WHERE stream = $1 AND id = $2)
            FROM {s}.streams WHERE name = $1
            """;
        ReadStreams = $"SELECT name, first_id, last_id, pruned_through FROM {s}.streams WHERE name = ANY($1)";
        ReadEventsAfterLimited = $"""
            SELECT id, event_name, topic, user_id, connection_id, data, created_at
            FROM {s}.events WHERE stream = $1 AND id > $2 ORDER BY id LIMIT $3
            """;

        TryLockPrune = "SELECT pg_try_advisory_xact_lock(hashtext($1), 0)";
        // Deletes a prefix of each stream (every id up to a cut, at most $4 events of each), so "pruned_through" stays the one id below which
        // replay has a gap; the delete and the watermark commit together, so no reader sees one without the other.
        Prune = $"""
            WITH wanted AS (
                SELECT st.name, GREATEST(
                    (SELECT max(e.id) FROM {s}.events e WHERE e.stream = st.name AND e.created_at < $3::timestamptz - $1::interval),
                    CASE WHEN $2::int IS NOT NULL THEN
                        (SELECT e.id FROM {s}.events e WHERE e.stream = st.name ORDER BY e.id DESC OFFSET $2::int LIMIT 1)
                    END) AS through
                FROM {s}.streams st
            ), cut AS (
                -- At most $4 events per stream per statement, so a backlog is deleted in bounded steps.
                SELECT w.name, LEAST(w.through,
                    (SELECT e.id FROM {s}.events e WHERE e.stream = w.name ORDER BY e.id OFFSET $4::int - 1 LIMIT 1)) AS through
                FROM wanted w WHERE w.through IS NOT NULL
            ), pruned AS (
                DELETE FROM {s}.events e USING cut
                WHERE e.stream = cut.name AND e.id <= cut.through
                RETURNING e.stream, e.id
            ), watermark AS (
                UPDATE {s}.streams st SET pruned_through = GREATEST(st.pruned_through, p.through)
                FROM (SELECT stream, max(id) AS through FROM pruned GROUP BY stream) p
                WHERE st.name = p.stream
            )
            SELECT count(*) FROM pruned
            """;
    }

    public string Schema { get; }

    public string Channel { get; }

    /// <summary>Where a sign-out is announced to every instance; the payload is the user id and the reason.</summary>
    public string CloseUserChannel { get; }

    public string NotifyCloseUser => "SELECT pg_notify($1, $2)";

    public string SchemaLockKey { get; }

    public string StreamLockKey { get; }

    public string PruneLockKey { get; }

    public string LockSchema { get; }

    public string SchemaExists { get; }

    public string CreateSchema { get; }

    public string CreateVersionTable { get; }

    public string VersionTableExists { get; }

    public string ReadVersion { get; }

    public string RecordVersion { get; }

    public Func<long, string> CreateTables { get; }

    public string LockStream { get; }

    public string InsertEvent { get; }

    public string ReadStream { get; }

    public string ReadStreams { get; }

    public string ReadEventsAfterLimited { get; }

    public string TryLockPrune { get; }

    public string Prune { get; }

    public string Listen => $"LISTEN \"{Channel}\"; LISTEN \"{CloseUserChannel}\"";
}
