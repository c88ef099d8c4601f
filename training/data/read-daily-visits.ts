// Reads daily-visit CSV files (Athena's or DuckDB's output): contract-breaking rows are counted by
// reason and reported, never silently dropped; a missing column or an unparsable file fails the run.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { InputError, errorMessage } from "../runtime/errors";
import { DAILY_VISIT_COLUMNS, type DailyVisit, dailyVisitCsvRow, describeIssue } from "./daily-visits";

export interface ReadReport {
  files: string[];
  rows: number;
  accepted: number;
  /** Rejected rows by reason (`column: problem`). */
  rejected: Record<string, number>;
  /** A few rejected rows with file and line, to find them. */
  rejectedExamples: string[];
  /** Raw hits the SQL found breaking the raw-hits contract (its `invalid_hits` column), when present. */
  invalidRawHits: number;
  /** Extra copies of exact duplicate raw hits the SQL counted once (its `duplicate_hits` column). */
  duplicateRawHits: number;
}

/** The `.csv` files of a directory (sorted), or the file itself. */
export function listCsvFiles(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })) {
    throw new InputError(`input ${path} does not exist: put the daily-visits CSV file(s) there`);
  }
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => name.toLowerCase().endsWith(".csv"))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0)
    throw new InputError(`no .csv file in ${path}: put the daily-visits CSV file(s) there`);
  return files;
}

/** The reason of a later row of a user and day already read. */
export const DUPLICATE_DAY = "user_id/visit_date: duplicate day for the user";

/**
 * The reason for a row without a visit_date: the source SQL leaves it empty exactly for the raw hits whose
 * event_time it could not read, so the user is told about the raw-hits column they wrote.
 */
export const UNREADABLE_EVENT_TIME =
  "event_time: not a wall-clock time YYYY-MM-DD HH:MM:SS in the raw hits (epoch seconds are refused)";

export function readDailyVisits(path: string): { visits: DailyVisit[]; report: ReadReport } {
  const files = listCsvFiles(path);
  const report: ReadReport = {
    files,
    rows: 0,
    accepted: 0,
    rejected: {},
    rejectedExamples: [],
    invalidRawHits: 0,
    duplicateRawHits: 0,
  };
  const visits: DailyVisit[] = [];
  const seen = new Set<string>();
  const reject = (reason: string, file: string, line: number) => {
    report.rejected[reason] = (report.rejected[reason] ?? 0) + 1;
    if (report.rejectedExamples.length < 10) report.rejectedExamples.push(`${file}:${line}: ${reason}`);
  };
  for (const file of files) {
    let rows: string[][];
    try {
      rows = parse(readFileSync(file, "utf8"), { skip_empty_lines: true, bom: true });
    } catch (error) {
      throw new InputError(`cannot parse ${file} as CSV: ${errorMessage(error)}`);
    }
    const header = (rows[0] ?? []).map((name) => name.trim().toLowerCase());
    const missing = DAILY_VISIT_COLUMNS.filter((column) => !header.includes(column));
    if (missing.length > 0) {
      throw new InputError(
        `${file} lacks required column(s) ${missing.join(", ")}; expected the daily-visits columns ` +
          `${DAILY_VISIT_COLUMNS.join(", ")} (the result of sql/training-data.sql)`,
      );
    }
    const records = rows
      .slice(1)
      .map((cells) => Object.fromEntries(header.map((name, column) => [name, cells[column] ?? ""])));
    records.forEach((record, index) => {
      const line = index + 2;
      report.rows++;
      const invalidHits = Number(record["invalid_hits"] ?? "0");
      if (Number.isFinite(invalidHits)) report.invalidRawHits += invalidHits;
      const duplicateHits = Number(record["duplicate_hits"] ?? "0");
      if (Number.isFinite(duplicateHits)) report.duplicateRawHits += duplicateHits;
      if ((record["visit_date"] ?? "").trim() === "") {
        reject(UNREADABLE_EVENT_TIME, file, line);
        return;
      }
      const parsed = dailyVisitCsvRow.safeParse(record);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        reject(issue ? describeIssue(issue) : "invalid row", file, line);
        return;
      }
      const key = `${parsed.data.userId}\u0000${parsed.data.day}`;
      if (seen.has(key)) {
        reject(DUPLICATE_DAY, file, line);
        return;
      }
      seen.add(key);
      visits.push(parsed.data);
      report.accepted++;
    });
  }
  if (report.rows === 0)
    throw new InputError(`no rows in ${files.join(", ")}: the daily-visits input is empty`);
  return { visits, report };
}
