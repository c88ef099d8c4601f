// The raw hits contract's columns (docs/contracts.md, "Raw hits"): what the source SQL reads from the table.
// Extra columns are ignored; a missing one must fail with its name, not with a SQL engine's riddle.
export const RAW_HIT_COLUMNS = ["user_id", "event_time", "page_type", "time_spent_sec", "platform"] as const;

/**
 * Run first on a DuckDB instance that executes the source SQL, so that it reads `event_time` as Athena
 * does: a TIMESTAMPTZ column (a Parquet timestamp adjusted to UTC) is rendered in the session's time zone,
 * which is the process's TZ unless set. Athena's sessions are UTC; so are the local ones, so that no
 * machine's TZ moves an hour. (A setting at DuckDBInstance.create cannot name it: ICU loads later.)
 */
export const DUCKDB_UTC_SESSIONS = "SET GLOBAL TimeZone = 'UTC'";
