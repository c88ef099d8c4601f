// The raw hits contract's columns (docs/contracts.md, "Raw hits"): what the source SQL reads from the table.
// Extra columns are ignored; a missing one must fail with its name, not with a SQL engine's riddle.
export const RAW_HIT_COLUMNS = ["user_id", "event_time", "page_type", "time_spent_sec", "platform"] as const;

/**
 * Run first on a DuckDB instance that executes the source SQL, so that it reads as Athena does:
 * - `event_time`: a TIMESTAMPTZ column (a Parquet timestamp adjusted to UTC) is rendered in the session's
 *   time zone, which is the process's TZ unless set. Athena's sessions are UTC; so are the local ones, so
 *   that no machine's TZ moves an hour. (A setting at DuckDBInstance.create cannot name it: ICU loads later.)
 * - Trino's `xxhash64(to_utf8(text))`, which the source SQL hashes each hit's cells with to find exact
 *   duplicates, as DuckDB macros (its own 64-bit `hash`): the SQL only needs equal cells to hash alike.
 *   Not temporary macros: each local query runs on a connection of its own.
 */
export const DUCKDB_SESSION_SETUP = [
  "SET GLOBAL TimeZone = 'UTC'",
  "CREATE OR REPLACE MACRO to_utf8(text) AS text",
  "CREATE OR REPLACE MACRO xxhash64(bytes) AS hash(bytes)",
].join("; ");
