// Loads daily-visit CSV files (Athena's or DuckDB's output) into DuckDB and checks them there: rows that
// break the contract are counted by reason and reported (a few with file and line), never silently
// dropped; a missing column, an unparsable file or an empty input fails the run. The accepted rows end up
// in the view ACCEPTED_VISITS_TABLE, ready for sql/visit-features.sql.
// A file is read with its numeric columns typed (DOUBLE) by the CSV reader when it can be: that is most of
// the read's time saved on a large snapshot (no text column per number, no cast per cell afterwards), with
// the same values and reasons; a file the typed reader refuses is read as text, as before.
import { closeSync, openSync, readSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { InputError, errorMessage } from "../runtime/errors";
import { DAILY_VISIT_COLUMNS } from "./daily-visits";
import {
  acceptedVisitsSql,
  checkedVisitsSql,
  dailyVisitsParseSql,
  dailyVisitsTypedParseSql,
  duplicateDaysSql,
  HIT_COUNT_COLUMNS,
  NUMERIC_COLUMNS,
} from "./daily-visits-check";
import { fieldsHoldUnderscore } from "./csv-underscores";
import { listCsvFiles, type ReadReport } from "./read-daily-visits";

export const ACCEPTED_VISITS_TABLE = "accepted_visits";
const CHECKED_TABLE = "daily_visits_checked";
/** One file's checked rows, before they join CHECKED_TABLE. */
const FILE_TABLE = "daily_visits_file";
const REJECTED_TABLE = "daily_visits_rejected";
/** The daily-visits columns and the SQL's hit counts (a file without them counts 0). */
const TEXT_COLUMNS = [...DAILY_VISIT_COLUMNS, ...HIT_COUNT_COLUMNS];
/** The columns read as DOUBLE on the typed path. */
const NUMBER_COLUMNS = new Set<string>([...NUMERIC_COLUMNS, ...HIT_COUNT_COLUMNS]);

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;
const HEADER_BYTES = 65_536;

/** The header line's cells, as written (a quoted name unquoted). */
function headerOf(file: string): string[] {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const length = readSync(fd, buffer, 0, HEADER_BYTES, 0);
    const firstLine = buffer.subarray(0, length).toString("utf8").split(/\r?\n/)[0] ?? "";
    const rows = parse(firstLine, { bom: true, relax_column_count: true }) as string[][];
    return rows[0] ?? [];
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads one file's rows into FILE_TABLE (replacing it) as checkedVisitsSql gives them; returns their count.
 * `fields` is the header's length, `names` its normalised names.
 */
async function readCheckedFile(
  connection: DuckDBConnection,
  file: string,
  fields: number,
  names: string[],
): Promise<number> {
  const indexes = TEXT_COLUMNS.map((column) => names.indexOf(column));
  const numeric = indexes.filter((index, i) => index >= 0 && NUMBER_COLUMNS.has(TEXT_COLUMNS[i]!));
  // Positional columns (c0, c1, …) so that any spelling of the header works; line 1 skipped. The cells
  // are parsed and checked as they are read (no table of text).
  const source = (typed: boolean) =>
    `(SELECT ${indexes.map((index, i) => `${index < 0 ? `CAST(NULL AS ${typed ? "DOUBLE" : "VARCHAR"})` : `c${index}`} AS ${TEXT_COLUMNS[i]}`).join(", ")} ` +
    `FROM read_csv(${sqlString(file)}, header=false, skip=1, ${typed ? "" : "all_varchar=true, "}delim=',', quote='"', ` +
    `escape='"', auto_detect=false, columns={${Array.from({ length: fields }, (_, i) => `'c${i}': '${typed && numeric.includes(i) ? "DOUBLE" : "VARCHAR"}'`).join(", ")}}))`;
  const create = async (select: string) => {
    const created = await connection.runAndReadAll(
      `CREATE OR REPLACE TABLE ${FILE_TABLE} AS ${checkedVisitsSql(`(${select})`)}`,
    );
    return Number(created.getRows()[0]?.[0] ?? 0);
  };
  // The numbers read by the CSV reader as it splits the cells (no text column per number, no cast per
  // cell afterwards), valid when no numeric cell holds '_' (csv-underscores.ts): that scan runs on this
  // thread while DuckDB reads in its own. When it finds one, or the reader refuses a cell, the text path
  // reads the file again and says what is wrong with each row.
  const typed = create(dailyVisitsTypedParseSql(source(true))).catch(() => undefined);
  const underscore = fieldsHoldUnderscore(file, numeric);
  const inserted = await typed;
  if (inserted !== undefined && !underscore) return inserted;
  try {
    return await create(dailyVisitsParseSql(source(false)));
  } catch (error) {
    throw new InputError(`cannot parse ${file} as CSV: ${errorMessage(error)}`);
  }
}

/**
 * Reads `path` (a CSV file or a directory of .csv files) into DuckDB, checks every row and leaves the
 * accepted ones in ACCEPTED_VISITS_TABLE. Returns the same report the JS reader gave.
 */
export async function loadDailyVisits(connection: DuckDBConnection, path: string): Promise<ReadReport> {
  const files = listCsvFiles(path);
  /** The first row id of each file, to turn row ids back into file and line. */
  const fileStarts: number[] = [];
  let rows = 0;
  for (const file of files) {
    let header: string[];
    try {
      header = headerOf(file);
    } catch (error) {
      throw new InputError(`cannot parse ${file} as CSV: ${errorMessage(error)}`);
    }
    const names = header.map((name) =>
      name
        .replace(/^\uFEFF/, "")
        .trim()
        .toLowerCase(),
    );
    const missing = DAILY_VISIT_COLUMNS.filter((column) => !names.includes(column));
    if (missing.length > 0) {
      throw new InputError(
        `${file} lacks required column(s) ${missing.join(", ")}; expected the daily-visits columns ` +
          `${DAILY_VISIT_COLUMNS.join(", ")} (the result of sql/training-data.sql)`,
      );
    }
    const inserted = await readCheckedFile(connection, file, header.length, names);
    // One table whose row order is the files' order: the first file's table becomes it, the others join it.
    if (fileStarts.length === 0) {
      await connection.run(`DROP TABLE IF EXISTS ${CHECKED_TABLE}`);
      await connection.run(`ALTER TABLE ${FILE_TABLE} RENAME TO ${CHECKED_TABLE}`);
    } else {
      await connection.run(`INSERT INTO ${CHECKED_TABLE} SELECT * FROM ${FILE_TABLE}`);
      await connection.run(`DROP TABLE ${FILE_TABLE}`);
    }
    fileStarts.push(rows);
    rows += inserted;
  }
  if (rows === 0) throw new InputError(`no rows in ${files.join(", ")}: the daily-visits input is empty`);

  // Only the rejected rows' ids and reasons are stored (usually none); the accepted rows are read from the
  // checked table through a view, so that the rows are stored once.
  // The rows that break a field's contract (their reason was found as they were read), then the duplicate
  // days among the others: the window that finds them sorts only their user, date and row id.
  await connection.run(
    `CREATE OR REPLACE TABLE ${REJECTED_TABLE} AS ` +
      `SELECT rowid AS row_id, reason FROM ${CHECKED_TABLE} WHERE reason IS NOT NULL`,
  );
  await connection.run(
    `INSERT INTO ${REJECTED_TABLE} ${duplicateDaysSql(
      `(SELECT rowid AS row_id, user_id, visit_date FROM ${CHECKED_TABLE} WHERE reason IS NULL)`,
    )}`,
  );
  const summary = await connection.runAndReadAll(
    `SELECT reason, count(*) AS n FROM ${REJECTED_TABLE} GROUP BY reason ORDER BY reason`,
  );
  const rejected: Record<string, number> = {};
  let rejectedRows = 0;
  for (const [reason, n] of summary.getRows()) {
    rejected[String(reason)] = Number(n);
    rejectedRows += Number(n);
  }
  const examples = await connection.runAndReadAll(
    `SELECT row_id, reason FROM ${REJECTED_TABLE} ORDER BY row_id LIMIT 10`,
  );
  const total = (column: string) => `coalesce(sum(CASE WHEN isfinite(${column}) THEN ${column} END), 0)`;
  const hitCounts = await connection.runAndReadAll(
    `SELECT ${HIT_COUNT_COLUMNS.map(total).join(", ")} FROM ${CHECKED_TABLE}`,
  );
  const [invalidRawHits, duplicateRawHits] = (hitCounts.getRows()[0] ?? []).map(Number);
  await connection.run(
    `CREATE OR REPLACE VIEW ${ACCEPTED_VISITS_TABLE} AS ${acceptedVisitsSql(
      `(SELECT * FROM ${CHECKED_TABLE} WHERE rowid NOT IN (SELECT row_id FROM ${REJECTED_TABLE}))`,
    )}`,
  );
  const accepted = rows - rejectedRows;
  return {
    files,
    rows,
    accepted,
    rejected,
    rejectedExamples: examples.getRows().map(([rowId, reason]) => {
      const row = Number(rowId);
      let fileIndex = fileStarts.length - 1;
      while (fileIndex > 0 && fileStarts[fileIndex]! > row) fileIndex--;
      // +2: the header is line 1 and rows count from 0.
      return `${files[fileIndex]}:${row - fileStarts[fileIndex]! + 2}: ${String(reason)}`;
    }),
    invalidRawHits: invalidRawHits ?? 0,
    duplicateRawHits: duplicateRawHits ?? 0,
  };
}
