// Writes simulated raw hits as CSV, or as Parquet (through DuckDB) when the file name ends in .parquet.
// The CSV is written in blocks of lines: a file of 10 M hits is larger than the longest string V8 allows.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { RawHit } from "./simulate";

import { RAW_HIT_COLUMNS } from "../../contracts/raw-hits";

export { RAW_HIT_COLUMNS };

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const csvLine = (hit: RawHit) => RAW_HIT_COLUMNS.map((column) => csvCell(hit[column])).join(",");

export function hitsToCsv(hits: readonly RawHit[]): string {
  return `${[RAW_HIT_COLUMNS.join(","), ...hits.map(csvLine)].join("\n")}\n`;
}

const LINES_PER_WRITE = 65_536;

/** Writes the header and then each block of hits as it comes (e.g. one user's hits at a time). */
export function writeCsvBlocks(path: string, blocks: Iterable<readonly RawHit[]>): number {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const fd = openSync(path, "w");
  let rows = 0;
  try {
    let pending: string[] = [RAW_HIT_COLUMNS.join(",")];
    const flush = () => {
      writeSync(fd, `${pending.join("\n")}\n`);
      pending = [];
    };
    for (const block of blocks) {
      for (const hit of block) pending.push(csvLine(hit));
      rows += block.length;
      if (pending.length >= LINES_PER_WRITE) flush();
    }
    if (pending.length > 0) flush();
  } finally {
    closeSync(fd);
  }
  return rows;
}

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** CSV or Parquet by extension. Parquet columns are typed unless malformed rows force text columns. */
export async function writeHits(path: string, hits: readonly RawHit[], typed: boolean): Promise<void> {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  if (!path.toLowerCase().endsWith(".parquet")) {
    writeCsvBlocks(path, [hits]);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), "vt-hits-"));
  const csv = join(scratch, "hits.csv");
  writeCsvBlocks(csv, [hits]);
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const types = typed
      ? "types={'user_id': 'VARCHAR', 'event_time': 'TIMESTAMP', 'page_type': 'INTEGER', " +
        "'time_spent_sec': 'DOUBLE', 'platform': 'VARCHAR'}"
      : "all_varchar=true";
    await connection.run(
      `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header=true, ${types})) ` +
        `TO ${sqlString(resolve(path))} (FORMAT parquet)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(scratch, { recursive: true, force: true });
  }
}
