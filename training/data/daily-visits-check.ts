// The daily-visits contract (daily-visits.ts) as SQL, so that preprocess checks millions of rows inside
// DuckDB instead of one zod parse per JS object. Every rejection reason is the text dailyVisitCsvRow gives
// for the same row (field order, "is required" for an empty cell, the first failing check); the test
// load-daily-visits.test.ts runs both on the same rows and compares. One known difference: JavaScript's
// Number() also reads hexadecimal, binary and octal literals ("0x1A"), which this SQL rejects as not a number.
// Four steps: dailyVisitsParseSql reads the text cells into typed values and checkedVisitsSql gives each
// row its contract columns and the reason it breaks a field's contract (once per file, as the rows are read,
// into one stored table), duplicateDaysSql finds the later rows of a user and day among the others (a sort of
// three narrow columns, not of every column), acceptedVisitsSql reads the accepted ones.
// A cell in the form the source SQL writes (a plain number, a date YYYY-MM-DD, a lower-case platform) is
// read by one cast or test; any other cell goes through the general rule (trim, the decimal regular
// expression), which gives the same value for the fast path's cells, so both paths agree.
// dailyVisitsTypedParseSql gives the same columns from a source whose numeric cells DuckDB's CSV reader
// has already read as DOUBLE (load-daily-visits.ts uses it when every numeric cell of a file is one).
import { DAILY_VISIT_COLUMNS } from "./daily-visits";
import { DUPLICATE_DAY, UNREADABLE_EVENT_TIME } from "./read-daily-visits";

/** The source SQL's counts of raw hits per row (invalid ones, extra copies of duplicates), summed by preprocess. */
export const HIT_COUNT_COLUMNS = ["invalid_hits", "duplicate_hits"] as const;

// What Number() reads from a trimmed decimal cell (JSON-style numbers with optional '+', '5.' and '.5').
const DECIMAL = String.raw`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`;

type Check = { failing: string; message: string };

interface NumericField {
  column: (typeof DAILY_VISIT_COLUMNS)[number];
  whole?: string;
  checks: Check[];
}

const count = (column: NumericField["column"]): NumericField => ({
  column,
  whole: "must be a whole number",
  checks: [{ failing: "v < 0", message: "must be >= 0" }],
});
const hour = (column: NumericField["column"]): NumericField => ({
  column,
  whole: "must be a whole hour",
  checks: [
    { failing: "v < 0", message: "must be 0..23" },
    { failing: "v > 23", message: "must be 0..23" },
  ],
});

/** The numeric columns in the schema's key order, with zod's checks in their order. */
const NUMERIC_FIELDS: NumericField[] = [
  { column: "time_spent_sec", checks: [{ failing: "v < 0", message: "must be >= 0" }] },
  count("page_views"),
  count("type1_views"),
  count("type2_views"),
  count("type3_views"),
  count("type4_views"),
  hour("first_hour"),
  hour("last_hour"),
  {
    column: "hours_visited",
    whole: "must be a whole number",
    checks: [
      { failing: "v < 1", message: "must be 1..24" },
      { failing: "v > 24", message: "must be 1..24" },
    ],
  },
];

/** The checked numeric columns (the hit counts are not checked). */
export const NUMERIC_COLUMNS = NUMERIC_FIELDS.map(({ column }) => column);

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A cell's text: NULL (an empty unquoted cell) as ''. */
const cell = (column: string) => `coalesce(CAST(${column} AS varchar), '')`;

/**
 * The cell's number when DuckDB's cast reads it as a finite number and it has no '_': the cast then reads
 * exactly what the decimal regular expression accepts (it also reads '1_000', 'inf' and 'nan', which the
 * expression refuses) and trims spaces as the general rule does. NULL sends the cell to the general rule.
 */
const fastNumber = (text: string) =>
  `CASE WHEN isfinite(try_cast(${text} AS double)) AND strpos(${text}, '_') = 0 THEN try_cast(${text} AS double) END`;

/** The cell's number (NULL when it is not one) and whether it is empty (after trimming). */
function numericParse(column: NumericField["column"]): string {
  const raw = cell(column);
  const trimmed = `trim(${raw})`;
  return (
    `coalesce(${fastNumber(raw)},
` +
    `      CASE WHEN regexp_matches(${trimmed}, ${quote(DECIMAL)}) THEN try_cast(${trimmed} AS double) END) AS n_${column},
` +
    `    CASE WHEN ${fastNumber(raw)} IS NOT NULL THEN false ELSE ${trimmed} = '' END AS e_${column}`
  );
}

const DATE_GLOB = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'";

/**
 * The parsed cells of a text source (the daily-visits columns, invalid_hits and duplicate_hits as varchar): the trimmed
 * user id, the date (NULL unless YYYY-MM-DD and a real day) and whether its cell is empty, the normalised
 * platform, and per numeric column its number `n_<column>` and emptiness `e_<column>`. checkedVisitsSql reads
 * it; the checked rows go into a table in file order, read back as `row_id`.
 */
export function dailyVisitsParseSql(textSource: string): string {
  return parseSql(textSource, numericParse, (column) => `try_cast(trim(${cell(column)}) AS double)`);
}

/**
 * dailyVisitsParseSql's columns from a source whose numeric columns (the checked ones and the hit counts)
 * are DOUBLE, read by DuckDB's CSV reader with the same cast as the text path's fast one, and whose cells
 * hold no '_' (which that cast reads as a digit separator; the caller checks). A NULL is an empty cell. A
 * cell that is not a finite number gets no value and is not empty: "must be a number", as the text path
 * says of it. The other columns are text, parsed as dailyVisitsParseSql parses them.
 */
export function dailyVisitsTypedParseSql(typedSource: string): string {
  return parseSql(
    typedSource,
    (column) =>
      `CASE WHEN isfinite(${column}) THEN ${column} END AS n_${column}, ${column} IS NULL AS e_${column}`,
    (column) => column,
  );
}

/** The parse query: the text columns' expressions, then per numeric column and hit count the given ones. */
function parseSql(
  source: string,
  numeric: (column: NumericField["column"]) => string,
  hitCount: (column: (typeof HIT_COUNT_COLUMNS)[number]) => string,
): string {
  const date = cell("visit_date");
  const platform = cell("platform");
  const normalised = `CASE lower(trim(${platform})) WHEN 'ios' THEN 'ios' WHEN 'android' THEN 'android' WHEN 'web' THEN 'web' ELSE 'other' END`;
  return `
SELECT
  trim(${cell("user_id")}) AS t_user_id,
  CASE WHEN ${date} GLOB ${DATE_GLOB} THEN try_cast(${date} AS date)
    WHEN trim(${date}) GLOB ${DATE_GLOB} THEN try_cast(trim(${date}) AS date) END AS parsed_date,
  CASE WHEN ${date} GLOB ${DATE_GLOB} THEN false ELSE trim(${date}) = '' END AS e_visit_date,
  CASE WHEN ${platform} IN ('ios', 'android', 'web', 'other') THEN ${platform} ELSE ${normalised} END AS platform,
  ${NUMERIC_FIELDS.map(({ column }) => numeric(column)).join(",\n  ")},
  ${HIT_COUNT_COLUMNS.map((column) => `${hitCount(column)} AS n_${column}`).join(",\n  ")}
FROM ${source}`;
}

/** The cell's reason (NULL when valid), `v` standing for the parsed number. */
function numericReason(field: NumericField): string {
  const value = `n_${field.column}`;
  const whens = [
    `WHEN ${value} IS NULL AND e_${field.column} THEN 'is required'`,
    `WHEN ${value} IS NULL OR isinf(${value}) THEN 'must be a number'`,
    ...(field.whole ? [`WHEN ${value} <> floor(${value}) THEN ${quote(field.whole)}`] : []),
    ...field.checks.map(
      (check) => `WHEN ${check.failing.replace(/\bv\b/g, value)} THEN ${quote(check.message)}`,
    ),
  ];
  return `CASE ${whens.join(" ")} END`;
}

/**
 * Per-row reasons: an empty visit_date first (the raw hits' unreadable event_time, as the JS reader says),
 * then the schema's keys in order, then the object refinements in their order.
 */
function reasonExpression(): string {
  const fields = [
    `CASE WHEN e_visit_date THEN ${quote(UNREADABLE_EVENT_TIME)} END`,
    `CASE WHEN t_user_id = '' THEN 'user_id: must not be empty' END`,
    `CASE WHEN visit_day IS NULL THEN 'visit_date: must be a date YYYY-MM-DD' END`,
    ...NUMERIC_FIELDS.map((field) => `${quote(`${field.column}: `)} || (${numericReason(field)})`),
  ];
  const refinements = [
    `CASE WHEN n_last_hour < n_first_hour THEN 'last_hour: must be >= first_hour' END`,
    `CASE WHEN n_hours_visited > n_last_hour - n_first_hour + 1 ` +
      `THEN 'hours_visited: must be <= last_hour - first_hour + 1' END`,
    `CASE WHEN n_type1_views + n_type2_views + n_type3_views + n_type4_views > n_page_views ` +
      `THEN 'page_views: must be >= type1_views + … + type4_views' END`,
  ];
  return `coalesce(${[...fields, ...refinements].join(",\n    ")})`;
}

/**
 * SQL over parsed rows (dailyVisitsParseSql's columns): per row the daily-visits contract's columns as the
 * accepted rows have them (counts and hours as integers), the source SQL's hit counts and the `reason` the
 * row breaks a field's contract (NULL when it keeps them). Stored instead of the parsed cells: half the
 * bytes per row, and the reasons need no second scan.
 */
export function checkedVisitsSql(parsedRows: string): string {
  return `
SELECT
  t_user_id AS user_id,
  parsed_date AS visit_date,
  n_time_spent_sec AS time_spent_sec,
  ${NUMERIC_FIELDS.filter(({ column }) => column !== "time_spent_sec")
    .map(({ column }) => `try_cast(n_${column} AS integer) AS ${column}`)
    .join(",\n  ")},
  platform,
  ${HIT_COUNT_COLUMNS.map((column) => `n_${column} AS ${column}`).join(", ")},
  ${reasonExpression()} AS reason
FROM (SELECT *, date_diff('day', DATE '1970-01-01', parsed_date) AS visit_day FROM ${parsedRows})`;
}

/**
 * SQL over checked rows (checkedVisitsSql's columns plus `row_id` in file order) whose fields keep the
 * contract: `row_id` and `reason` of every later row of a user and day, as the JS reader rejected it. The
 * one sort is of these rows' user, date and id.
 */
export function duplicateDaysSql(validCheckedRows: string): string {
  return `
SELECT row_id, ${quote(DUPLICATE_DAY)} AS reason FROM (
  SELECT row_id, row_number() OVER (PARTITION BY user_id, visit_date ORDER BY row_id) AS copy
  FROM ${validCheckedRows}
) WHERE copy > 1`;
}

/**
 * The accepted rows of checked rows (no reason, no duplicate day) as the daily-visits contract's typed
 * columns, `day` = days since 1970-01-01.
 */
export function acceptedVisitsSql(acceptedCheckedRows: string): string {
  return `
SELECT
  user_id,
  date_diff('day', DATE '1970-01-01', visit_date) AS day,
  visit_date,
  ${NUMERIC_FIELDS.map(({ column }) => column).join(",\n  ")},
  platform
FROM ${acceptedCheckedRows}`;
}
