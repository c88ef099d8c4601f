// The raw hits contract's columns (docs/contracts.md, "Raw hits"): what the source SQL reads from the table.
// Extra columns are ignored; a missing one must fail with its name, not with a SQL engine's riddle.
export const RAW_HIT_COLUMNS = ["user_id", "event_time", "page_type", "time_spent_sec", "platform"] as const;
