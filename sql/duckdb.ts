// Runs the source SQL on DuckDB over raw-hit files (CSV or Parquet, a path or glob): the local stand-in
// for Athena used by the tests and the training benchmark.
import { renderTrainingSql } from "./index";
import { DUCKDB_SESSION_SETUP } from "../contracts/raw-hits";

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

export function rawHitsSource(input: string): string {
  return input.toLowerCase().endsWith(".parquet")
    ? `read_parquet(${sqlString(input)})`
    : `read_csv(${sqlString(input)}, header=true, all_varchar=true)`;
}

/** Writes the daily visits of `input` to `outputCsv` (with header); returns the number of rows. */
export async function writeDailyVisitsCsv(input: string, outputCsv: string): Promise<number> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(DUCKDB_SESSION_SETUP);
    await connection.run(`CREATE VIEW raw_hits AS SELECT * FROM ${rawHitsSource(input)}`);
    await connection.run(
      `COPY (${renderTrainingSql("raw_hits")}) TO ${sqlString(outputCsv)} (HEADER, DELIMITER ',')`,
    );
    const count = await connection.runAndReadAll(
      `SELECT count(*) AS n FROM read_csv(${sqlString(outputCsv)})`,
    );
    return Number(count.getRowObjectsJson()[0]?.["n"] ?? 0);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
