// Writes simulated raw hits as CSV, or as Parquet (through DuckDB) when the file name ends in .parquet.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { RawHit } from "./simulate";

import { RAW_HIT_COLUMNS } from "../../contracts/raw-hits";

export { RAW_HIT_COLUMNS };

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function hitsToCsv(hits: readonly RawHit[]): string {
  const lines = [RAW_HIT_COLUMNS.join(",")];
  for (const hit of hits) lines.push(RAW_HIT_COLUMNS.map((column) => csvCell(hit[column])).join(","));
  return `${lines.join("\n")}\n`;
}

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** CSV or Parquet by extension. Parquet columns are typed unless malformed rows force text columns. */
export async function writeHits(path: string, hits: readonly RawHit[], typed: boolean): Promise<void> {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  if (!path.toLowerCase().endsWith(".parquet")) {
    writeFileSync(path, hitsToCsv(hits));
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), "vt-hits-"));
  const csv = join(scratch, "hits.csv");
  writeFileSync(csv, hitsToCsv(hits));
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
