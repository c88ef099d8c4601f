// The raw hits contract's columns (docs/contracts.md, "Raw hits"): what the source SQL reads from the table.
// Extra columns are ignored; a missing one must fail with its name, not with a SQL engine's riddle.
export const RAW_HIT_COLUMNS = ["user_id", "event_time", "page_type", "time_spent_sec", "platform"] as const;

/**
 * Run first on a DuckDB instance that executes the source SQL, so that it reads as Athena does:
 * - `event_time`: a TIMESTAMPTZ column (a Parquet timestamp adjusted to UTC) is rendered in the session's
 *   time zone, which is the process's TZ unless set. Athena's sessions are UTC; so are the local ones, so
 *   that no machine's TZ moves an hour. (A setting at DuckDBInstance.create cannot name it: ICU loads later.)
 * - Trino's `bitwise_or_agg`, `bitwise_left_shift` and `bit_count(x, bits)`, with which the source SQL
 *   counts a day's distinct hours as the bits of one integer, as DuckDB macros over its `bit_or`, `<<` and
 *   `bit_count` (the built-in one, named by its schema: the macro of the same name would call itself). A
 *   DuckDB macro cannot take FILTER (WHERE ...), so the SQL filters inside the aggregate's argument.
 *   Not temporary macros: each local query runs on a connection of its own.
 */
export const DUCKDB_SESSION_SETUP = [
  "SET GLOBAL TimeZone = 'UTC'",
  "CREATE OR REPLACE MACRO bitwise_left_shift(value, shift) AS value << shift",
  "CREATE OR REPLACE MACRO bitwise_or_agg(value) AS bit_or(value)",
  "CREATE OR REPLACE MACRO bit_count(value, bits) AS system.main.bit_count(value)",
].join("; ");
